// Structured logging (pino) with the active trace and span ids on every line.
import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Never log secrets or personal data that slips into objects we log.
    redact: { paths: ['*.password', '*.token', '*.authorization', '*.pickupCode', '*.phone', 'req.headers.authorization'], censor: '***' },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const ctx = span.spanContext();
      return { trace_id: ctx.traceId, span_id: ctx.spanId };
    },
  });
}
