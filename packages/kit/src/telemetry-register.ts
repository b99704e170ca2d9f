// Entry for `node --import @lc/kit/telemetry-register`: installs the ESM loader hook the
// instrumentations need, then starts the SDK before the service's own modules load.
import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
const { startTelemetry } = await import('./telemetry.js');
startTelemetry(process.env.OTEL_SERVICE_NAME ?? process.env.SERVICE_NAME ?? 'livecommerce');
