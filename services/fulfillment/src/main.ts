// Fulfillment service entry: configuration, composition, graceful shutdown.
// Layout (README "Service layout"): rpc/ the gRPC server; use cases at src/ top level (warehouses,
// waves, route-plans, deliveries, staff-scope), which call the stores and hold no SQL; domain/ pure
// (bag-status, pick-list, pickup-code, local-time, warehouse-rules, route-planning, vrptw/);
// adapters/ the I/O (warehouse-, wave-, bag-, delivery- and route-plan-store, order-consumer,
// OSRM travel times, pickup attempt limit, solver worker); events.ts the subjects and payloads.
import { exitOnStartupFailure, onSigterm, parseConfig } from '@lc/kit';
import { configShape } from './config.js';
import { startFulfillment } from './service.js';

async function main() {
  const config = parseConfig(configShape);
  const { runtime } = await startFulfillment(config);
  onSigterm(runtime.logger, () => runtime.stop(), config.SHUTDOWN_TIMEOUT_MS);
}

main().catch(exitOnStartupFailure('fulfillment'));
