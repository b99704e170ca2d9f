// Leader service entry: configuration, composition, graceful shutdown.
// Layout (README "Service layout"): rpc/ the gRPC server; use cases at src/ top level (leaders);
// domain/ pure; adapters/ the I/O (leader-store, order-consumer); events.ts the subjects and payloads.
import { exitOnStartupFailure, onSigterm, parseConfig } from '@lc/kit';
import { configShape } from './config.js';
import { startLeader } from './service.js';

async function main() {
  const config = parseConfig(configShape);
  const { runtime } = await startLeader(config);
  onSigterm(runtime.logger, () => runtime.stop(), config.SHUTDOWN_TIMEOUT_MS);
}

main().catch(exitOnStartupFailure('leader'));
