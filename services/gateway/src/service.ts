// Gateway composition: auth, clients of the services, the sold-out board fed by NATS, routes,
// and the web apps.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import { BoundedMap, corsAllowList, RpcClient, ServiceRuntime, type Logger } from '@lc/kit';
import { FulfillmentServiceClient, InventoryServiceClient, LiveRoomServiceClient, OrderServiceClient, batchedOrderPlacement, orderRateLimit, PlacedKeys } from '@lc/contracts';
import { Auth } from './adapters/auth.js';
import { devLoginEnabled, type GatewayConfig } from './config.js';
import { SoldOutBoard, type StockChange } from './domain/sold-out-board.js';
import { authRoutes } from './routes/auth-routes.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import { orderRoutes } from './routes/order-routes.js';
import { paymentAdminRoutes } from './routes/payment-admin-routes.js';
import { liveSessionRoutes } from './routes/live-session-routes.js';
import { fulfillmentRoutes } from './routes/fulfillment-routes.js';
import { proposalRoutes } from './routes/proposal-routes.js';

const SALE_SKUS_MAX = 50_000;
const defaultWebDir = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export async function startGateway(config: GatewayConfig, logger?: Logger) {
  const corsOrigins = corsAllowList(config);
  // Redis holds the per-buyer order rate shared with the other gateway pods and the live room;
  // auto-pipelined, as the rate check sits on the order hot path.
  const runtime = await ServiceRuntime.create({ name: 'gateway', config, nats: true, redis: true, redisAutoPipelining: true, ...(logger ? { logger } : {}) });
  const inventory = new RpcClient(InventoryServiceClient, config.INVENTORY_ADDR);
  // Warm: orders are the hot path from a sale's first tap on.
  const orders = new RpcClient(OrderServiceClient, config.ORDER_ADDR).warm();
  const liveRoom = new RpcClient(LiveRoomServiceClient, config.LIVE_ROOM_ADDR);
  const fulfillment = new RpcClient(FulfillmentServiceClient, config.FULFILLMENT_ADDR);
  runtime.onClose('clients', () => {
    for (const client of [inventory, orders, liveRoom, fulfillment]) client.close();
  });
  const auth = new Auth(config.JWT_SECRET, config.JWT_TTL_SECONDS);

  const soldOut = new SoldOutBoard();
  // The board is a cache: a plain subscription, rebuilt from whatever comes next.
  const stockEvents = runtime.bus!.subscribe<StockChange>('inventory.stock.changed', (change) => soldOut.apply(change));
  runtime.onStopTakingWork('stock events', () => stockEvents.unsubscribe());

  // A pool's SKU never changes; the map is bounded as it grows with pools.
  const saleSkus = new BoundedMap<string, string>(SALE_SKUS_MAX);
  const skuOfSale = async (flashSaleId: string) => {
    const known = saleSkus.get(flashSaleId);
    if (known) return known;
    const { flashSale } = await inventory.call((c) => c.getFlashSale, { id: flashSaleId }, { idempotent: true });
    saleSkus.set(flashSaleId, flashSale!.skuId);
    return flashSale!.skuId;
  };

  const app = runtime.http;
  // An origin outside the list gets no Access-Control-Allow-Origin, so browsers keep its pages
  // from reading any answer.
  await app.register(fastifyCors, { origin: corsOrigins, maxAge: 600 });
  authRoutes(app, { auth, devLogin: devLoginEnabled(config) });
  catalogRoutes(app, { auth, inventory, fulfillment, liveRoom });
  proposalRoutes(app, { auth, inventory, fulfillment });
  liveSessionRoutes(app, { auth, liveRoom, inventory });
  fulfillmentRoutes(app, { auth, fulfillment });
  const placed = new PlacedKeys(runtime.redis!, config.REDIS_PREFIX);
  orderRoutes(app, { auth, orders, placeOrder: batchedOrderPlacement(orders, placed), placed, soldOut, rateLimit: orderRateLimit(runtime.redis!, config.REDIS_PREFIX, config.ORDER_RATE_PER_SECOND, config.ORDER_RATE_BURST), skuOfSale });
  paymentAdminRoutes(app, { auth, orders });
  const webDir = config.WEB_DIR ?? defaultWebDir;
  if (existsSync(webDir)) await app.register(fastifyStatic, { root: webDir, prefix: '/' });

  await runtime.start([]);
  return { runtime, soldOut, saleSkus };
}
