// Order service composition: store, inventory client, payment provider, gRPC, webhook, expiry
// and refund retries.
import { fileURLToPath } from 'node:url';
import { RpcClient, ServiceRuntime, type Logger } from '@lc/kit';
import { InventoryServiceClient, OrderServiceService } from '@lc/contracts';
import { InventoryClient } from './adapters/inventory-client.js';
import { OrderStore } from './adapters/order-store.js';
import { PaymentStore } from './adapters/payment-store.js';
import { SandboxPaymentProvider, httpWebhook } from './adapters/payment-provider.js';
import type { OrderConfig } from './config.js';
import { Orders } from './orders.js';
import { Payments } from './payments.js';
import { orderRpc } from './rpc/order-rpc.js';
import { consumeDeliverySteps } from './adapters/fulfillment-consumer.js';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

export async function startOrder(config: OrderConfig, logger?: Logger) {
  const runtime = await ServiceRuntime.create({ name: 'order', config, migrationsDir, nats: true, ...(logger ? { logger } : {}) });
  // Warm: placements reach inventory from the first tap on.
  const inventory = new RpcClient(InventoryServiceClient, config.INVENTORY_ADDR).warm();
  runtime.onClose('inventory client', () => inventory.close());
  // The sandbox's signed callback goes to PAYMENT_WEBHOOK_URL when one is named (a relay, another
  // pod); otherwise straight into this process's webhook handler, verified the same way, rather
  // than over a loopback HTTP request to ourselves, which cost each pay a request and a response
  // on the hot service during a flash sale's burst of payments.
  const store = new OrderStore(runtime.pool!);
  const inventoryClient = new InventoryClient(inventory);
  const provider = new SandboxPaymentProvider(
    config.PAYMENT_WEBHOOK_SECRET,
    config.PAYMENT_WEBHOOK_URL ? httpWebhook(config.PAYMENT_WEBHOOK_URL) : async (body, sig) => void (await payments.handleCallback(body, sig)),
  );
  const payments = new Payments(store, new PaymentStore(runtime.pool!), inventoryClient, provider, config.PAYMENT_WEBHOOK_SECRET, runtime.logger);
  const orders = new Orders(store, inventoryClient, payments, runtime.logger);
  runtime.addConsumer(await consumeDeliverySteps(runtime.bus!, store, runtime.logger));

  runtime.http.register(async (scope) => {
    // Signatures cover the raw bytes, so the body is kept as the provider sent it.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post('/payments/sandbox/webhook', async (request) => {
      const signature = String(request.headers['x-sandbox-signature'] ?? '');
      const { order, duplicate } = await orders.handleCallback(String(request.body), signature);
      return { orderId: order.id, status: order.status, duplicate };
    });
  });

  let expiring: Promise<unknown> = Promise.resolve();
  const expiry = setInterval(() => {
    expiring = Promise.all([
      orders.expireOverdue().catch((err: unknown) => runtime.logger.warn({ err: (err as Error).message }, 'expiry pass failed')),
      payments.retryStaleRefunds(config.REFUND_RETRY_AFTER_MS).catch((err: unknown) => runtime.logger.warn({ err: (err as Error).message }, 'refund retry pass failed')),
    ]);
  }, config.EXPIRY_INTERVAL_MS);
  runtime.onStopTakingWork('expiry', async () => {
    clearInterval(expiry);
    await expiring;
  });

  await runtime.start([{ definition: OrderServiceService, implementation: orderRpc(orders, payments, config, runtime.logger) }]);
  return { runtime, orders, payments };
}
