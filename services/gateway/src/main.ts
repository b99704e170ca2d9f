// Gateway service entry: configuration, composition, graceful shutdown.
// Layout (README "Service layout"): routes/ the REST transport (validation at the edge, then a
// gRPC call or the sign-in use case); sign-in.ts the one use case it owns (identity: phone codes,
// sessions); domain/ pure (sold-out board, users, phones, codes); adapters/ the I/O (auth tokens,
// identity store, SMS senders, revocations, the leader-approval consumer); service.ts composes
// clients, routes and web/dist.
import { exitOnStartupFailure, onSigterm, parseConfig } from '@lc/kit';
import { configShape } from './config.js';
import { startGateway } from './service.js';

async function main() {
  const config = parseConfig(configShape);
  const { runtime } = await startGateway(config);
  onSigterm(runtime.logger, () => runtime.stop(), config.SHUTDOWN_TIMEOUT_MS);
}

main().catch(exitOnStartupFailure('gateway'));
