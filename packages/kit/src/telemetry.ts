// OpenTelemetry set-up: traces and metrics for gRPC, HTTP, pg and ioredis; OTLP export when an
// endpoint is configured. Loaded before the service (see telemetry-register.ts) so that the
// instrumentations patch modules as they are first imported.
import { metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';

let sdk: NodeSDK | undefined;

export function startTelemetry(serviceName: string, endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT): void {
  if (sdk) return;
  const base = endpoint?.replace(/\/$/, '');
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    // Without an endpoint nothing is recorded, but every span still gets real ids, so a request's
    // trace id still crosses services and reaches the logs. (With no processor at all the SDK
    // registers no tracer, and every id would be zeros.)
    spanProcessors: base
      ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }), { scheduledDelayMillis: 500 })]
      : [new NoopSpanProcessor()],
    ...(base ? {} : { sampler: new AlwaysOffSampler() }),
    // Without an endpoint there is nobody to read metrics, so none are recorded (left unset, the
    // SDK would default to exporting them to localhost:4318).
    metricReaders: base
      ? [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics` }), exportIntervalMillis: 10_000 })]
      : [],
    instrumentations: [
      // Outgoing requests only: incoming ones get their server span, at half the cost, from the
      // kit's HTTP server (http-server.ts), which every service serves through.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
}

/** Flushes pending spans and metrics; part of graceful shutdown. */
export async function stopTelemetry(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  await current?.shutdown().catch(() => undefined);
}

export const meter = (name: string) => metrics.getMeter(name);
