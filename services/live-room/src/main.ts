// Live-room service entry: configuration, composition, graceful shutdown.
// Layout (README "Service layout"): rpc/ the gRPC server and socket/ the socket.io transport;
// domain/ pure (chat-rules, live-session, stock-coalescer, event-gate, notice-rules); notices.ts the
// inbox use case; adapters/ the I/O (session-store, room-state and connection-registry in Redis with
// its Lua, the order and stock feeds from NATS, the inbox's store, consumers and in-app channel); media/ the mediasoup SFU, media-supply.ts the worker that may arrive later; the socket payloads live in packages/contracts.
import { exitOnStartupFailure, onSigterm, parseConfig } from '@lc/kit';
import { configShape } from './config.js';
import { startLiveRoom } from './service.js';

async function main() {
  const config = parseConfig(configShape);
  const { runtime } = await startLiveRoom(config);
  onSigterm(runtime.logger, () => runtime.stop(), config.SHUTDOWN_TIMEOUT_MS);
}

main().catch(exitOnStartupFailure('live-room'));
