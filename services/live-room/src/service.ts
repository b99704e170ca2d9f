// Live-room composition: sessions (Postgres, gRPC for the gateway), the socket.io room server on
// the HTTP port with the Redis adapter (several pods serve one room), the stock and order feeds
// from NATS, every user's notification inbox (fed by durable consumers, pushed to any open page),
// and the mediasoup SFU with its signalling.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { ConfigError, corsAllowList, HttpSmsRelay, originAllowed, RpcClient, ServiceRuntime, TOKEN_CLOCK_SKEW_SECONDS, TokenRevocations, WeChatMessages, weChatSettingsOf, type Logger } from '@lc/kit';
import { FulfillmentServiceClient, IdentityServiceClient, InventoryServiceClient, LiveRoomServiceService, NoticeServiceService, OrderServiceClient, batchedOrderPlacement, orderRateLimit, PlacedKeys, SoldOutBoard } from '@lc/contracts';
import type { LiveRoomConfig } from './config.js';
import { parseBlockedWords } from './domain/chat-rules.js';
import { startOrderFeed } from './adapters/order-feed.js';
import { InAppChannel } from './adapters/in-app-channel.js';
import { NoticeDeliveryStore } from './adapters/notice-delivery-store.js';
import { SmsNoticeChannel } from './adapters/sms-channel.js';
import { WeChatNoticeChannel } from './adapters/wechat-channel.js';
import { PLACEHOLDER_SMS_SIGNATURE } from './domain/sms-templates.js';
import type { ExternalNoticeChannel } from './notice-channels.js';
import { consumeNoticeEvents } from './adapters/notice-consumer.js';
import { NoticeStore } from './adapters/notice-store.js';
import { PickupCodeLookup } from './adapters/pickup-code-lookup.js';
import { Notices } from './notices.js';
import { noticeRpc } from './rpc/notice-rpc.js';
import { startStockFeed } from './adapters/stock-feed.js';
import { MediaSupply } from './media-supply.js';
import { mediasoupWorkerPath } from './media-worker-bin.js';
import { liveRoomRpc } from './rpc/live-room-rpc.js';
import { MediaSignalling, RELAY_TIMEOUT_MS } from './socket/media-signalling.js';
import { capConnectionsPerUser } from './socket/connection-cap.js';
import { limitEventRate } from './socket/event-rate.js';
import { registerRoomHandlers } from './socket/room-handlers.js';
import { rooms } from './socket/room-names.js';
import { authenticateSockets, closeRevokedSockets, socketData, tokenVerifier } from './socket/socket-auth.js';
import { enforceTokenExpiry } from './socket/token-expiry.js';
import { ViewerCounter } from './socket/viewer-counter.js';
import { ConnectionRegistry } from './adapters/connection-registry.js';
import { RoomState } from './adapters/room-state.js';
import { SessionStore } from './adapters/session-store.js';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

export async function startLiveRoom(config: LiveRoomConfig, logger?: Logger) {
  const corsOrigins = corsAllowList(config);
  // Before anything starts: a half-configured channel is a deployment mistake, not a runtime one.
  smsRelaySettings(config);
  weChatNoticeSettings(config);
  const runtime = await ServiceRuntime.create({ name: 'live-room', config, migrationsDir, redis: true, nats: true, ...(logger ? { logger } : {}) });
  const log = runtime.logger;
  const podId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const inventory = new RpcClient(InventoryServiceClient, config.INVENTORY_ADDR);
  // Warm: orders are the hot path from a sale's first tap on.
  const orders = new RpcClient(OrderServiceClient, config.ORDER_ADDR).warm();
  const fulfillment = new RpcClient(FulfillmentServiceClient, config.FULFILLMENT_ADDR);
  const placed = new PlacedKeys(runtime.redis!, config.REDIS_PREFIX);
  const placeOrder = batchedOrderPlacement(orders);
  // Fed by the stock feed below: a sold-out pool is answered from memory on the socket too.
  const soldOut = new SoldOutBoard();
  runtime.onClose('clients', () => {
    inventory.close();
    orders.close();
    fulfillment.close();
  });

  const mediaSupply = config.MEDIA_ENABLED ? await startMedia(config, log) : MediaSupply.off();
  runtime.onClose('mediasoup', () => mediaSupply.close());

  const sessions = new SessionStore(runtime.pool!);
  const state = new RoomState(runtime.redis!, config.REDIS_PREFIX, config.CHAT_HISTORY);
  const io = await startSocketServer(runtime, config, corsOrigins);
  const viewers = new ViewerCounter(io, state, podId, log);
  const signalling = new MediaSignalling(io, state, podId, mediaSupply, log, async (id) => (await sessions.get(id))?.status === 'ENDED');
  const orderRate = orderRateLimit(runtime.redis!, config.REDIS_PREFIX, config.ORDER_RATE_PER_SECOND, config.ORDER_RATE_BURST);
  const eventRate = { perSecond: config.SOCKET_EVENTS_PER_SECOND, burst: config.SOCKET_EVENT_BURST, disconnectAfter: config.SOCKET_FLOOD_DISCONNECT_AFTER };
  const chat = {
    maxLength: config.CHAT_MAX_LENGTH,
    blockedWords: parseBlockedWords(config.CHAT_BLOCKED_WORDS),
    rateLimit: config.CHAT_RATE_LIMIT,
    rateWindowMs: config.CHAT_RATE_WINDOW_MS,
  };

  // Sign-outs at the gateway revoke tokens; the room refuses them too and closes their sockets.
  const revocations = new TokenRevocations(runtime.redis!, config.REDIS_PREFIX, runtime.bus!, config.JWT_TTL_SECONDS + TOKEN_CLOCK_SKEW_SECONDS);
  revocations.listen((revocation) => void closeRevokedSockets(io, revocation).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'closing revoked sockets failed')));
  runtime.onStopTakingWork('revocation broadcasts', () => revocations.stop());
  const verifyToken = tokenVerifier(config.JWT_SECRET, config.JWT_TTL_SECONDS, revocations);
  io.use(authenticateSockets(verifyToken));
  const stopConnectionCap = capConnectionsPerUser(io, new ConnectionRegistry(runtime.redis!, config.REDIS_PREFIX, config.SOCKET_MAX_CONNECTIONS_PER_USER), log);
  io.on('connection', (socket) => {
    limitEventRate(socket, eventRate, log);
    const { user } = socketData(socket);
    enforceTokenExpiry(socket, verifyToken, log);
    void socket.join(rooms.user(user.id));
    if (user.role === 'leader') void socket.join(rooms.leader(user.id));
    registerRoomHandlers(socket, { io, logger: log, sessions, state, viewers, inventory, orders, placeOrder, soldOut, placed, orderRate, chat, onLeave: (s, id) => signalling.leave(s, id) });
    signalling.register(socket);
  });
  viewers.start();
  signalling.start();
  const stopStock = startStockFeed(io, runtime.bus!, config.STOCK_UPDATE_INTERVAL_MS, log, (change) => soldOut.apply(change));
  const stopOrders = startOrderFeed(io, runtime.bus!, log);
  const external = externalChannels(runtime, config, log);
  const notices = new Notices(new NoticeStore(runtime.pool!), new PickupCodeLookup(fulfillment, log), new InAppChannel(io), external, log, {
    concurrency: config.NOTICE_DELIVERY_CONCURRENCY,
    leaseMs: config.NOTICE_DELIVERY_LEASE_MS,
    maxAgeMs: config.NOTICE_RECOVERY_MAX_AGE_MS,
  });
  for (const consumer of await consumeNoticeEvents(runtime.bus!, notices)) runtime.addConsumer(consumer);
  // Pods may overlap: every send is claimed.
  if (external.length) runtime.every('notice delivery recovery', config.NOTICE_RECOVERY_INTERVAL_MS, () => notices.recoverDeliveries());
  runtime.onStopTakingWork('socket feeds', () => {
    stopStock();
    stopOrders();
    viewers.stop();
    signalling.stop();
    stopConnectionCap();
  });
  // Sockets are long-lived: close them before the HTTP server waits for connections to end.
  runtime.onStopTakingWork('sockets', () => new Promise<void>((resolve) => void io.close(() => resolve())));

  await runtime.start([
    { definition: LiveRoomServiceService, implementation: liveRoomRpc(sessions, io, log, signalling) },
    { definition: NoticeServiceService, implementation: noticeRpc(notices, log) },
  ]);
  // `media` is the cluster as it is at start (tests read it); `mediaSupply` follows a late worker.
  return { runtime, io, podId, media: mediaSupply.cluster, mediaSupply, notices, soldOut };
}

/**
 * The SMS relay when the deployment names one (URL and secret both); half a setting refuses to
 * start, and so does production texting under the development sender signature.
 */
function smsRelaySettings(config: LiveRoomConfig): { url: string; secret: string } | undefined {
  const { NOTICE_SMS_RELAY_URL: url, NOTICE_SMS_RELAY_SECRET: secret } = config;
  if (!url && !secret) return undefined;
  if (!url || !secret) throw new ConfigError(['NOTICE_SMS_RELAY_URL and NOTICE_SMS_RELAY_SECRET: set both (SMS notices on) or neither (off)']);
  if (config.NODE_ENV === 'production' && config.NOTICE_SMS_SIGNATURE === PLACEHOLDER_SMS_SIGNATURE) {
    throw new ConfigError([`NOTICE_SMS_SIGNATURE: must be the operator's registered sender signature in production, not the placeholder ${PLACEHOLDER_SMS_SIGNATURE}`]);
  }
  return { url, secret };
}

/** WeChat template messages when the deployment names the Official Account and the template. */
function weChatNoticeSettings(config: LiveRoomConfig) {
  return weChatSettingsOf(config, { WECHAT_NOTICE_TEMPLATE_ID: config.WECHAT_NOTICE_TEMPLATE_ID });
}

/** The channels outside the platform the deployment names (SMS, WeChat); none otherwise. */
function externalChannels(runtime: ServiceRuntime, config: LiveRoomConfig, log: Logger): ExternalNoticeChannel[] {
  const relay = smsRelaySettings(config);
  const weChat = weChatNoticeSettings(config);
  if (!relay && !weChat) return [];
  const identity = new RpcClient(IdentityServiceClient, config.GATEWAY_ADDR);
  runtime.onClose('identity client', () => identity.close());
  const deliveries = new NoticeDeliveryStore(runtime.pool!, config.NOTICE_DELIVERY_LEASE_MS);
  const channels: ExternalNoticeChannel[] = [];
  if (relay) channels.push(new SmsNoticeChannel(deliveries, identity, new HttpSmsRelay(relay.url, relay.secret, log), log, config.NOTICE_SMS_SIGNATURE));
  if (weChat) {
    const messages = new WeChatMessages(weChat, runtime.redis!, config.REDIS_PREFIX, log);
    channels.push(new WeChatNoticeChannel(deliveries, identity, messages, { id: config.WECHAT_NOTICE_TEMPLATE_ID!, url: config.WECHAT_NOTICE_URL }, log));
  }
  return channels;
}

async function startSocketServer(runtime: ServiceRuntime, config: LiveRoomConfig, corsOrigins: string[]): Promise<Server> {
  const io = new Server(runtime.http.server, {
    path: '/socket.io',
    // `cors` only shapes the polling answers' headers; a websocket upgrade carries no CORS check,
    // so allowRequest refuses a foreign Origin for both transports (403 before any handshake).
    cors: { origin: corsOrigins },
    allowRequest: (req, callback) => callback(null, originAllowed(corsOrigins, req.headers.origin)),
    // Browsers behind proxies lose idle websockets; pings keep them and detect dead peers.
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });
  const pub = runtime.redis!.duplicate();
  const sub = runtime.redis!.duplicate();
  io.adapter(createAdapter(pub, sub, { key: `${config.REDIS_PREFIX}socket.io`, requestsTimeout: RELAY_TIMEOUT_MS }));
  runtime.onClose('socket.io redis', async () => {
    await Promise.all([pub.quit().catch(() => pub.disconnect()), sub.quit().catch(() => sub.disconnect())]);
  });
  return io;
}

async function startMedia(config: LiveRoomConfig, logger: Logger): Promise<MediaSupply> {
  const options = {
    workerBin: mediasoupWorkerPath(config.MEDIASOUP_WORKER_BIN),
    numWorkers: config.MEDIASOUP_WORKERS,
    listenIp: config.MEDIASOUP_LISTEN_IP,
    ...(config.MEDIASOUP_ANNOUNCED_ADDRESS ? { announcedAddress: config.MEDIASOUP_ANNOUNCED_ADDRESS } : {}),
    rtcPortBase: config.MEDIASOUP_RTC_PORT_BASE,
    consumersPerRouterThreshold: config.MEDIASOUP_CONSUMERS_PER_ROUTER,
    roomLimits: { maxTransportsPerPeer: config.MEDIA_MAX_TRANSPORTS_PER_PEER, maxConsumersPerPeer: config.MEDIA_MAX_CONSUMERS_PER_PEER, idleCloseMs: config.MEDIA_ROOM_IDLE_MS },
    logger,
  };
  return MediaSupply.start(options, config.MEDIASOUP_WORKER_WAIT, logger);
}
