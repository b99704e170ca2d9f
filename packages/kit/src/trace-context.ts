// Carries W3C trace context through places OpenTelemetry does not patch: NATS headers and the
// outbox table (a message published later belongs to the request that caused it).
import { context, propagation, trace, SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api';

export type TraceCarrier = Record<string, string>;

export function captureTraceContext(ctx: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export function restoreTraceContext(carrier: TraceCarrier): Context {
  return propagation.extract(context.active(), carrier);
}

const tracer = () => trace.getTracer('livecommerce');

/** Runs `work` in a span that is a child of `parent`; records failures on the span. */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  parent: Context,
  attributes: Record<string, string | number>,
  work: () => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, parent, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };
