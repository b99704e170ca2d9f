// The runtime kit every service is built on.
export * from './config.js';
export * from './logger.js';
export * from './errors.js';
export * from './trace-context.js';
export * from './grpc-server.js';
export * from './grpc-client.js';
export * from './http-server.js';
export * from './postgres.js';
export * from './redis.js';
export * from './events.js';
export * from './outbox.js';
export * from './batcher.js';
export * from './batched-rpc.js';
export * from './lifecycle.js';
export * from './runtime.js';
export * from './main.js';
