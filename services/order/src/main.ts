// Order service entry: configuration, composition, graceful shutdown.
// Layout (README "Service layout"): rpc/ the gRPC server; use cases at src/ top level (orders,
// payments, after-sales); domain/ pure (order-status, payment-signature, after-sales, photo-check);
// adapters/ the I/O (order-, payment- and after-sales-store, photo storage, inventory client,
// payment provider, fulfillment- and shortage-consumer).
import { exitOnStartupFailure, onSigterm, parseConfig } from '@lc/kit';
import { configShape } from './config.js';
import { startOrder } from './service.js';

async function main() {
  const config = parseConfig(configShape);
  const { runtime } = await startOrder(config);
  onSigterm(runtime.logger, () => runtime.stop(), config.SHUTDOWN_TIMEOUT_MS);
}

main().catch(exitOnStartupFailure('order'));
