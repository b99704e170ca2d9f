// Inventory service entry: configuration, composition, graceful shutdown.
// Layout (README "Service layout"): rpc/ the gRPC server; use cases at src/ top level
// (reservations); domain/ pure (flash-sale, buyer-limits); adapters/ the I/O (catalog-,
// proposal- and reservation-store, the Redis hot pool and its lua/ scripts, the stock publisher).
import { exitOnStartupFailure, onSigterm, parseConfig } from '@lc/kit';
import { configShape } from './config.js';
import { startInventory } from './service.js';

async function main() {
  const config = parseConfig(configShape);
  const { runtime } = await startInventory(config);
  onSigterm(runtime.logger, () => runtime.stop(), config.SHUTDOWN_TIMEOUT_MS);
}

main().catch(exitOnStartupFailure('inventory'));
