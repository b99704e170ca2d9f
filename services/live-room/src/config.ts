// Live-room service configuration: sessions, the socket.io room rules, and the mediasoup SFU.
import os from 'node:os';
import { z } from 'zod';
import { configTypes, corsOriginsVar, localAddresses, serviceConfigShape, weChatConfigVars } from '@lc/kit';
import { PLACEHOLDER_SMS_SIGNATURE } from './domain/sms-templates.js';

export const configShape = serviceConfigShape(
  { HTTP_PORT: 8081, GRPC_PORT: 50051, DB_SCHEMA: 'live_room' },
  {
    INVENTORY_ADDR: localAddresses.INVENTORY_ADDR,
    ORDER_ADDR: localAddresses.ORDER_ADDR,
    // The inbox asks fulfillment for the pickup code of a waiting parcel when it shows the notice.
    FULFILLMENT_ADDR: localAddresses.FULFILLMENT_ADDR,
    // SMS notices: the gateway holds users' phones (IdentityService), and the operator's SMS relay
    // (the gateway's sign-in-code protocol) sends them. The channel is on only with both relay
    // settings; unset (the development default) the inbox stays in-app only.
    GATEWAY_ADDR: z.string().default('127.0.0.1:50050'),
    NOTICE_SMS_RELAY_URL: configTypes.url(['http:', 'https:']).optional(),
    NOTICE_SMS_RELAY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    // The sender signature heading every text, as registered with the carriers (【…】); the
    // development placeholder is refused in production while SMS notices are on.
    NOTICE_SMS_SIGNATURE: z.string().regex(/^【[^【】\s]{2,16}】$/, 'must be a sender signature in 【】, 2 to 16 characters inside').default(PLACEHOLDER_SMS_SIGNATURE),
    // WeChat template-message notices: on only with the Official Account's id and secret and the
    // template's id (set all or none); buyers link their openid at the gateway. WECHAT_NOTICE_URL
    // is what a tap on the message opens (the buyer's orders page).
    ...weChatConfigVars,
    WECHAT_NOTICE_TEMPLATE_ID: z.string().regex(/^[0-9A-Za-z_-]{8,64}$/, 'must be a WeChat template id').optional(),
    WECHAT_NOTICE_URL: configTypes.httpsInProduction(configTypes.url(['http:', 'https:']).optional()),
    // Sends to paid channels (SMS, WeChat) in flight at once on one pod: a large failed group buy
    // notifies its buyers side by side, without flooding the relay or WeChat.
    NOTICE_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    // A delivery claim not renewed for this long (its pod renews it every third of this while
    // sending) was left by a pod that died: another pod sends it.
    NOTICE_DELIVERY_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
    // How often each pod looks for deliveries a dead pod left (0 off), and how far back: an older
    // notice stays in the inbox only, as a text about a parcel hours late does more harm than good.
    NOTICE_RECOVERY_INTERVAL_MS: z.coerce.number().int().nonnegative().default(15_000),
    NOTICE_RECOVERY_MAX_AGE_MS: z.coerce.number().int().min(60_000).default(2 * 3600_000),
    // Same secret and default as the gateway's: the gateway issues the tokens sockets present.
    JWT_SECRET: configTypes.secret('dev-only-jwt-secret-change-me-0123456789', 32),
    // Must match the gateway's: a token living longer than this is refused at the handshake.
    JWT_TTL_SECONDS: z.coerce.number().int().positive().default(12 * 3600),
    // Browser origins allowed to open sockets (comma-separated; the web apps are served by the
    // gateway, on another port); required in production.
    CORS_ORIGINS: corsOriginsVar,
    CHAT_MAX_LENGTH: z.coerce.number().int().min(1).max(2000).default(200),
    CHAT_RATE_LIMIT: z.coerce.number().int().min(1).default(5),
    CHAT_RATE_WINDOW_MS: z.coerce.number().int().min(100).default(10_000),
    CHAT_BLOCKED_WORDS: z.string().default('傻逼,操你,fuck,shit,加微信,vx号'),
    CHAT_HISTORY: z.coerce.number().int().min(0).max(500).default(50),
    STOCK_UPDATE_INTERVAL_MS: z.coerce.number().int().min(0).default(250),
    // The per-buyer order rate, one Redis budget with the gateway's REST orders: set both alike.
    ORDER_RATE_PER_SECOND: z.coerce.number().positive().default(5),
    ORDER_RATE_BURST: z.coerce.number().int().positive().default(20),
    // Every event a socket sends draws on its own bucket; a socket still sending after this many
    // refusals in a row is flooding and is disconnected.
    SOCKET_EVENTS_PER_SECOND: z.coerce.number().positive().default(20),
    SOCKET_EVENT_BURST: z.coerce.number().int().min(1).default(40),
    SOCKET_FLOOD_DISCONNECT_AFTER: z.coerce.number().int().min(1).default(50),
    // Open sockets one user may have at once, over every pod.
    SOCKET_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).default(5),
    MEDIA_ENABLED: configTypes.bool.default(true),
    MEDIASOUP_WORKER_BIN: z.string().optional(),
    // `npm start` on a fresh machine builds the worker in the background: with this on, a pod whose
    // worker binary is not there yet serves everything but media and switches media on when the
    // binary appears. Off (the default), a missing worker fails the start, as a broken image should.
    MEDIASOUP_WORKER_WAIT: configTypes.bool.default(false),
    MEDIASOUP_WORKERS: z.coerce.number().int().min(1).default(os.availableParallelism()),
    MEDIASOUP_LISTEN_IP: z.string().default('127.0.0.1'),
    MEDIASOUP_ANNOUNCED_ADDRESS: z.string().optional(),
    MEDIASOUP_RTC_PORT_BASE: z.coerce.number().int().min(1).max(65535).default(40000),
    MEDIASOUP_CONSUMERS_PER_ROUTER: z.coerce.number().int().min(0).default(300),
    // What one socket may hold in a media room: a viewer needs one recv transport and a consumer
    // per producer (audio + video), a leader a send transport too; the rest is headroom for rejoins.
    MEDIA_MAX_TRANSPORTS_PER_PEER: z.coerce.number().int().min(1).default(4),
    MEDIA_MAX_CONSUMERS_PER_PEER: z.coerce.number().int().min(1).default(8),
    // A media room with no peer for this long closes (a leader who left without ending the session).
    MEDIA_ROOM_IDLE_MS: z.coerce.number().int().min(1000).default(5 * 60_000),
  },
);

export type LiveRoomConfig = z.infer<z.ZodObject<typeof configShape>>;
