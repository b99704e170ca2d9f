// Live-room service configuration: sessions, the socket.io room rules, and the mediasoup SFU.
import os from 'node:os';
import { z } from 'zod';
import { configTypes, corsOriginsVar, localAddresses, serviceConfigShape } from '@lc/kit';

export const configShape = serviceConfigShape(
  { HTTP_PORT: 8081, GRPC_PORT: 50051, DB_SCHEMA: 'live_room' },
  {
    INVENTORY_ADDR: localAddresses.INVENTORY_ADDR,
    ORDER_ADDR: localAddresses.ORDER_ADDR,
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
    MEDIA_ENABLED: configTypes.bool.default(true),
    MEDIASOUP_WORKER_BIN: z.string().optional(),
    MEDIASOUP_WORKERS: z.coerce.number().int().min(1).default(os.availableParallelism()),
    MEDIASOUP_LISTEN_IP: z.string().default('127.0.0.1'),
    MEDIASOUP_ANNOUNCED_ADDRESS: z.string().optional(),
    MEDIASOUP_RTC_PORT_BASE: z.coerce.number().int().min(1).max(65535).default(40000),
    MEDIASOUP_CONSUMERS_PER_ROUTER: z.coerce.number().int().min(0).default(300),
  },
);

export type LiveRoomConfig = z.infer<z.ZodObject<typeof configShape>>;
