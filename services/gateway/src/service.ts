// Gateway composition: identity (phone sign-in, its Postgres schema), auth, clients of the
// services, the sold-out board fed by NATS, routes, and the web apps.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import { BoundedMap, ConfigError, corsAllowList, RedisTokenBuckets, RpcClient, ServiceRuntime, TOKEN_CLOCK_SKEW_SECONDS, TokenRevocations, WeChatOAuth, weChatSettingsOf, type Logger } from '@lc/kit';
import { FulfillmentServiceClient, GroupBuyServiceClient, InventoryServiceClient, LeaderCustomerServiceClient, LeaderDashboardServiceClient, LeaderOnboardingServiceClient, LeaderServiceClient, ShareLinkServiceClient, StockLedgerServiceClient, LiveRoomServiceClient, NoticeServiceClient, IdentityServiceService, OrderServiceClient, batchedOrderPlacement, orderRateLimit, PlacedKeys } from '@lc/contracts';
import { Auth } from './adapters/auth.js';
import { IdentityStore } from './adapters/identity-store.js';
import { identityRpc } from './rpc/identity-rpc.js';
import { consumeLeaderApprovals } from './adapters/leader-onboarding-consumer.js';
import { DevInboxSmsSender, HttpRelaySmsSender, type SmsSender } from './adapters/sms-sender.js';
import { devLoginEnabled, type GatewayConfig } from './config.js';
import { SoldOutBoard, type StockChange } from './domain/sold-out-board.js';
import { authRoutes } from './routes/auth-routes.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import { orderRoutes } from './routes/order-routes.js';
import { paymentAdminRoutes } from './routes/payment-admin-routes.js';
import { afterSalesRoutes } from './routes/after-sales-routes.js';
import { liveSessionRoutes } from './routes/live-session-routes.js';
import { fulfillmentRoutes } from './routes/fulfillment-routes.js';
import { pickupPointRoutes } from './routes/pickup-point-routes.js';
import { proposalRoutes } from './routes/proposal-routes.js';
import { userAdminRoutes } from './routes/user-admin-routes.js';
import { leaderLedgerRoutes } from './routes/leader-ledger-routes.js';
import { leaderOnboardingRoutes } from './routes/leader-onboarding-routes.js';
import { SEEDED_USERS } from './domain/users.js';
import { SignIn } from './sign-in.js';
import { clientConfigRoutes } from './routes/client-config-routes.js';
import { noticeRoutes } from './routes/notice-routes.js';
import { shareLinkRoutes } from './routes/share-link-routes.js';
import { groupBuyRoutes } from './routes/group-buy-routes.js';
import { stockLedgerRoutes } from './routes/stock-ledger-routes.js';
import { leaderDashboardRoutes } from './routes/leader-dashboard-routes.js';
import { weChatLinkRoutes } from './routes/wechat-link-routes.js';
import { WeChatLinkStates } from './adapters/wechat-link-states.js';

const SALE_SKUS_MAX = 50_000;
const defaultWebDir = fileURLToPath(new URL('../../../web/dist', import.meta.url));
export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));
const HOUR_SECONDS = 3600;

function checkSmsSettings(config: GatewayConfig): void {
  if (config.SMS_SENDER !== 'http-relay') return;
  const missing = (['SMS_RELAY_URL', 'SMS_RELAY_SECRET'] as const).filter((name) => !config[name]);
  if (missing.length) throw new ConfigError(missing.map((name) => `${name}: must be set with SMS_SENDER=http-relay`));
}

function smsSenderOf(config: GatewayConfig, store: IdentityStore, logger: Logger): SmsSender {
  if (config.SMS_SENDER === 'http-relay') return new HttpRelaySmsSender(config.SMS_RELAY_URL!, config.SMS_RELAY_SECRET!, logger);
  return new DevInboxSmsSender(store, logger);
}

/** Per-hour budgets shared by every gateway pod. */
const hourly = (runtime: ServiceRuntime, name: string, perHour: number) => new RedisTokenBuckets(runtime.redis!, `${runtime.config.REDIS_PREFIX}sign-in:${name}:`, perHour / HOUR_SECONDS, perHour);

export async function startGateway(config: GatewayConfig, logger?: Logger) {
  const corsOrigins = corsAllowList(config);
  checkSmsSettings(config);
  const weChat = weChatSettingsOf(config, { WECHAT_OAUTH_REDIRECT_URL: config.WECHAT_OAUTH_REDIRECT_URL });
  // Redis holds the per-buyer order rate shared with the other gateway pods and the live room;
  // auto-pipelined, as the rate check sits on the order hot path.
  // Postgres holds identity (the gateway's own schema); nothing it writes needs the outbox.
  const runtime = await ServiceRuntime.create({ name: 'gateway', config, migrationsDir, outbox: false, nats: true, redis: true, redisAutoPipelining: true, ...(logger ? { logger } : {}) });
  const inventory = new RpcClient(InventoryServiceClient, config.INVENTORY_ADDR);
  // Warm: orders are the hot path from a sale's first tap on.
  const orders = new RpcClient(OrderServiceClient, config.ORDER_ADDR).warm();
  const liveRoom = new RpcClient(LiveRoomServiceClient, config.LIVE_ROOM_ADDR);
  const fulfillment = new RpcClient(FulfillmentServiceClient, config.FULFILLMENT_ADDR);
  const leader = new RpcClient(LeaderServiceClient, config.LEADER_ADDR);
  const onboarding = new RpcClient(LeaderOnboardingServiceClient, config.LEADER_ADDR);
  // The inbox lives in live-room (NoticeService), beside the sockets that push it.
  const notices = new RpcClient(NoticeServiceClient, config.LIVE_ROOM_ADDR);
  // Group buys live in the order service, beside the orders and refunds they decide.
  const groupBuys = new RpcClient(GroupBuyServiceClient, config.ORDER_ADDR);
  // The stock ledger is served by inventory.
  const stockLedger = new RpcClient(StockLedgerServiceClient, config.INVENTORY_ADDR);
  // The dashboard is served by the leader service.
  const leaderDashboard = new RpcClient(LeaderDashboardServiceClient, config.LEADER_ADDR);
  runtime.onClose('clients', () => {
    for (const client of [inventory, orders, liveRoom, fulfillment, leader, onboarding, notices, groupBuys, stockLedger, leaderDashboard]) client.close();
  });
  const auth = new Auth(config.JWT_SECRET, config.JWT_TTL_SECONDS);
  const identity = new IdentityStore(runtime.pool!);
  const devLogin = devLoginEnabled(config);
  // The demo's people sign in by phone wherever the dev login is on; production has none of them.
  if (devLogin) await identity.ensureUsers(SEEDED_USERS, 'demo');
  const revocations = new TokenRevocations(runtime.redis!, config.REDIS_PREFIX, runtime.bus!, config.JWT_TTL_SECONDS + TOKEN_CLOCK_SKEW_SECONDS, config.REVOCATION_CACHE_MS);
  revocations.listen();
  runtime.onStopTakingWork('revocation broadcasts', () => revocations.stop());
  auth.checkRevocations(revocations);
  const sms = smsSenderOf(config, identity, runtime.logger);
  const signIn = new SignIn(
    identity,
    sms,
    auth,
    revocations,
    {
      codesPerPhone: hourly(runtime, 'codes-per-phone', config.SIGN_IN_CODES_PER_PHONE_PER_HOUR),
      codesPerIp: hourly(runtime, 'codes-per-ip', config.SIGN_IN_CODES_PER_IP_PER_HOUR),
      signInsPerIp: hourly(runtime, 'tries-per-ip', config.SIGN_IN_TRIES_PER_IP_PER_HOUR),
    },
    {
      codeSecret: config.SIGN_IN_CODE_SECRET,
      codeTtlSeconds: config.SIGN_IN_CODE_TTL_SECONDS,
      codeMaxAttempts: config.SIGN_IN_CODE_ATTEMPTS,
      accessTtlSeconds: Math.min(config.ACCESS_TOKEN_TTL_SECONDS, config.JWT_TTL_SECONDS),
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      refreshReuseGraceSeconds: config.REFRESH_REUSE_GRACE_SECONDS,
    },
    runtime.logger,
  );
  runtime.addConsumer(await consumeLeaderApprovals(runtime.bus!, identity, revocations, runtime.logger));

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
  authRoutes(app, { auth, signIn, store: identity, devLogin, devInbox: sms instanceof DevInboxSmsSender, trustedProxyHops: config.TRUSTED_PROXY_HOPS });
  userAdminRoutes(app, { auth, store: identity });
  catalogRoutes(app, { auth, inventory, fulfillment, liveRoom });
  proposalRoutes(app, { auth, inventory, fulfillment });
  liveSessionRoutes(app, { auth, liveRoom, inventory });
  fulfillmentRoutes(app, { auth, fulfillment, inventory });
  pickupPointRoutes(app, { auth, fulfillment, orders });
  const placed = new PlacedKeys(runtime.redis!, config.REDIS_PREFIX);
  const orderRate = orderRateLimit(runtime.redis!, config.REDIS_PREFIX, config.ORDER_RATE_PER_SECOND, config.ORDER_RATE_BURST);
  orderRoutes(app, { auth, orders, placeOrder: batchedOrderPlacement(orders), placed, soldOut, rateLimit: orderRate, skuOfSale });
  groupBuyRoutes(app, { auth, groupBuys, fulfillment, rateLimit: orderRate });
  paymentAdminRoutes(app, { auth, orders });
  leaderLedgerRoutes(app, { auth, leader });
  leaderOnboardingRoutes(app, { auth, leader: onboarding, store: identity });
  noticeRoutes(app, { auth, notices });
  clientConfigRoutes(app, { auth, liveRoomPublicUrl: config.LIVE_ROOM_PUBLIC_URL });
  afterSalesRoutes(app, { auth, orders });
  const shareLinks = new RpcClient(ShareLinkServiceClient, config.ORDER_ADDR);
  const customers = new RpcClient(LeaderCustomerServiceClient, config.LEADER_ADDR);
  runtime.onClose('share link clients', () => {
    shareLinks.close();
    customers.close();
  });
  shareLinkRoutes(app, { auth, shareLinks, customers, liveRoom, inventory, fulfillment, identity });
  stockLedgerRoutes(app, { auth, ledger: stockLedger });
  const linking = weChat && { oauth: new WeChatOAuth(weChat), states: new WeChatLinkStates(runtime.redis!, config.REDIS_PREFIX, config.JWT_SECRET), redirectUrl: config.WECHAT_OAUTH_REDIRECT_URL! };
  weChatLinkRoutes(app, { auth, store: identity, linking });
  leaderDashboardRoutes(app, { auth, dashboard: leaderDashboard });
  const webDir = config.WEB_DIR ?? defaultWebDir;
  if (existsSync(webDir)) await app.register(fastifyStatic, { root: webDir, prefix: '/' });

  // Other services (live-room's SMS and WeChat notices) read users' phones and openids here: the gateway owns identity.
  await runtime.start([{ definition: IdentityServiceService, implementation: identityRpc(identity, runtime.logger) }]);
  return { runtime, soldOut, saleSkus, identity };
}
