// Order service composition: store, inventory client, payment provider, gRPC, webhook, expiry
// and refund retries.
import { fileURLToPath } from 'node:url';
import { HOT_PATH_CONNECTIONS, RpcClient, ServiceRuntime, type Logger } from '@lc/kit';
import { FulfillmentServiceClient, GroupBuyServiceService, InventoryServiceClient, OrderServiceService, ShareLinkServiceService, PlacedKeys } from '@lc/contracts';
import { InventoryClient } from './adapters/inventory-client.js';
import { OrderStore } from './adapters/order-store.js';
import { PickupChoiceStore } from './adapters/pickup-choice-store.js';
import { PickupPointDirectory } from './adapters/pickup-point-directory.js';
import { PaymentStore } from './adapters/payment-store.js';
import { SandboxPaymentProvider, httpWebhook, type PaymentProvider } from './adapters/payment-provider.js';
import type { OrderConfig } from './config.js';
import { Orders } from './orders.js';
import { Payments } from './payments.js';
import { orderRpc } from './rpc/order-rpc.js';
import { consumeDeliverySteps } from './adapters/fulfillment-consumer.js';
import { consumeShortages } from './adapters/shortage-consumer.js';
import { AfterSalesStore } from './adapters/after-sales-store.js';
import { PostgresPhotoStorage } from './adapters/photo-storage.js';
import { AfterSales } from './after-sales.js';
import { ShareTokens } from './adapters/share-tokens.js';
import { shareLinkRpc } from './rpc/share-link-rpc.js';
import { GroupBuyStore } from './adapters/group-buy-store.js';
import { GroupBuys } from './group-buys.js';
import { groupBuyRpc } from './rpc/group-buy-rpc.js';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * `clock` is the service's business time: after-sales SLAs, group-buy cut-offs and the time its
 * order events say things happened (tests move it; payment deadlines and holds keep real time);
 * `wrapProvider` lets a test watch the calls reaching the payment provider.
 */
export async function startOrder(config: OrderConfig, logger?: Logger, opts: { clock?: () => number; wrapProvider?: (p: PaymentProvider) => PaymentProvider } = {}) {
  // Redis holds the placed-keys marks front doors read on a sold-out pool (see PlacedKeys).
  const runtime = await ServiceRuntime.create({ name: 'order', config, migrationsDir, nats: true, redis: true, redisAutoPipelining: true, keepConnections: HOT_PATH_CONNECTIONS, ...(logger ? { logger } : {}) });
  // Warm: placements reach inventory from the first tap on.
  const inventory = new RpcClient(InventoryServiceClient, config.INVENTORY_ADDR).warm();
  runtime.onClose('inventory client', () => inventory.close());
  const fulfillment = new RpcClient(FulfillmentServiceClient, config.FULFILLMENT_ADDR);
  runtime.onClose('fulfillment client', () => fulfillment.close());
  const points = new PickupPointDirectory(fulfillment, runtime.logger, { refreshMs: config.PICKUP_POINT_REFRESH_MS });
  points.start();
  runtime.onStopTakingWork('pickup point directory', () => points.stop());
  // The sandbox's signed callback goes to PAYMENT_WEBHOOK_URL when one is named (a relay, another
  // pod); otherwise straight into this process's webhook handler, verified the same way, rather
  // than over a loopback HTTP request to ourselves, which cost each pay a request and a response
  // on the hot service during a flash sale's burst of payments.
  const store = new OrderStore(runtime.pool!, opts.clock);
  const inventoryClient = new InventoryClient(inventory);
  const sandbox = new SandboxPaymentProvider(
    config.PAYMENT_WEBHOOK_SECRET,
    config.PAYMENT_WEBHOOK_URL ? httpWebhook(config.PAYMENT_WEBHOOK_URL) : async (body, sig) => void (await payments.handleCallback(body, sig)),
  );
  const provider = opts.wrapProvider ? opts.wrapProvider(sandbox) : sandbox;
  const paymentStore = new PaymentStore(runtime.pool!);
  const payments = new Payments(store, paymentStore, inventoryClient, provider, config.PAYMENT_WEBHOOK_SECRET, runtime.logger);
  const choices = new PickupChoiceStore(runtime.pool!, config.PICKUP_CHOICE_CACHE_MS);
  const shareTokens = new ShareTokens(config.SHARE_LINK_SECRET, { defaultSeconds: config.SHARE_LINK_TTL_SECONDS, maxSeconds: config.SHARE_LINK_MAX_TTL_SECONDS }, opts.clock);
  const orders = new Orders(store, inventoryClient, payments, runtime.logger, points, choices, shareTokens);
  const afterSales = new AfterSales(new AfterSalesStore(runtime.pool!), store, paymentStore, payments, new PostgresPhotoStorage(runtime.pool!), runtime.logger, opts.clock);
  const groupBuys = new GroupBuys(new GroupBuyStore(runtime.pool!), orders, store, payments, inventoryClient, runtime.logger, opts.clock ?? Date.now, config.GROUP_BUY_REMIND_BEFORE_MS);
  runtime.addConsumer(await consumeDeliverySteps(runtime.bus!, store, runtime.logger));
  runtime.addConsumer(await consumeShortages(runtime.bus!, afterSales, runtime.logger));

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
  let escalating: Promise<unknown> = Promise.resolve();
  const escalation = setInterval(() => {
    escalating = afterSales.escalateOverdue().catch((err: unknown) => runtime.logger.warn({ err: (err as Error).message }, 'after-sales escalation pass failed'));
  }, config.AFTER_SALES_SLA_INTERVAL_MS);
  runtime.onStopTakingWork('after-sales escalation', async () => {
    clearInterval(escalation);
    await escalating;
  });

  // Replicas may overlap: each step is a claim or idempotent.
  runtime.every('group-buy cut-off', config.GROUP_BUY_INTERVAL_MS, () => groupBuys.runDue());

  await runtime.start([
    { definition: OrderServiceService, implementation: orderRpc(orders, payments, afterSales, new PlacedKeys(runtime.redis!, config.REDIS_PREFIX), config, runtime.logger) },
    { definition: ShareLinkServiceService, implementation: shareLinkRpc(shareTokens, store, runtime.logger) },
    { definition: GroupBuyServiceService, implementation: groupBuyRpc(groupBuys, runtime.logger) },
  ]);
  return { runtime, orders, payments, afterSales, groupBuys };
}
