// HTTP server (fastify) every service runs: /healthz (the process is alive), /readyz (its
// dependencies answer), and the error format `{code, message, details?}`.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { context, metrics, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import Fastify, { type FastifyInstance, type FastifyError, type FastifyBaseLogger } from 'fastify';
import { ZodError } from 'zod';
import { asTransient, httpStatusOf, isDomainError } from './errors.js';
import type { Logger } from './logger.js';

export type ReadinessCheck = { name: string; check: () => Promise<void> };

export function createHttpServer(options: { logger: Logger; readiness: ReadinessCheck[]; bodyLimit?: number }): FastifyInstance {
  const app = Fastify({
    // Per-request lines would drown the hot path; errors are still logged by the handler below.
    loggerInstance: options.logger.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  traceRequests(app);
  let draining = false;
  app.addHook('onClose', async () => {
    draining = true;
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (draining) return reply.code(503).send({ status: 'draining' });
    const results = await Promise.all(
      options.readiness.map(async ({ name, check }) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, (error as Error).message || 'failed'] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const body = errorBody(error);
    // A peer or backing service briefly away is expected during faults and says "try again".
    if (body.status === 503 || body.status === 504) request.log.warn({ err: error.message, url: request.url }, 'request refused: unavailable');
    else if (body.status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    void reply.code(body.status).send({ code: body.code, message: body.message, ...(body.details ? { details: body.details } : {}) });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
  return app;
}

/** Probes answered without a span: they would bury the traces that matter. */
const UNTRACED = new Set(['/healthz', '/readyz']);

/**
 * Every request's server span, continuing the caller's trace (W3C traceparent) so that what the
 * request calls (gRPC, Postgres, Redis, NATS) is its child. This replaces the OpenTelemetry HTTP
 * instrumentation's incoming side (turned off in telemetry.ts), which cost a flash sale's taps
 * about twice as much CPU per request: it parses the URL, looks for synthetic sources, captures
 * headers and binds every listener of the request and response to the context (not needed: the
 * body's events already run in the request's async context, which carries it). The span carries
 * the attributes HTTP server spans are looked up by (method, route, path, status), and the
 * `http.server.request.duration` histogram is kept.
 */
function traceRequests(app: FastifyInstance): void {
  const tracer = trace.getTracer('@lc/kit/http');
  const duration = metrics.getMeter('@lc/kit/http').createHistogram('http.server.request.duration', { unit: 's', description: 'Duration of HTTP server requests.' });
  // The route is known once fastify has routed the request; spans recorded are named after it.
  const routes = new WeakMap<IncomingMessage, string>();
  app.addHook('onRequest', async (request) => {
    const span = trace.getActiveSpan();
    const route = request.routeOptions.url;
    if (!route || !span?.isRecording()) return;
    routes.set(request.raw, route);
    span.updateName(`${request.method} ${route}`);
    span.setAttribute('http.route', route);
  });
  const server: Server = app.server;
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  server.emit = function (event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'request') return emit(event, ...args);
    const [req, res] = args as [IncomingMessage, ServerResponse];
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (UNTRACED.has(path)) return emit(event, ...args);
    const method = req.method ?? 'GET';
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span: Span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'url.path': path,
          'url.scheme': 'http',
          'network.protocol.version': req.httpVersion,
          ...(req.socket.remoteAddress ? { 'client.address': req.socket.remoteAddress } : {}),
          ...(req.headers['user-agent'] ? { 'user_agent.original': req.headers['user-agent'] } : {}),
        },
      },
      parent,
    );
    const startedMs = performance.now();
    res.once('close', () => {
      const status = res.statusCode;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      const route = routes.get(req);
      duration.record((performance.now() - startedMs) / 1000, { 'http.request.method': method, 'url.scheme': 'http', 'http.response.status_code': status, ...(route ? { 'http.route': route } : {}) });
    });
    return context.with(trace.setSpan(parent, span), () => emit(event, ...args));
  } as typeof server.emit;
}

export function errorBody(thrown: unknown): { status: number; code: string; message: string; details?: unknown } {
  const error = asTransient(thrown) ?? thrown;
  if (isDomainError(error)) return { status: httpStatusOf(error.code), code: error.code, message: error.message, details: error.details };
  if (error instanceof ZodError) return zodErrorBody(error);
  const fe = error as FastifyError;
  if (fe.validation || fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)) {
    const message = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.name === 'SyntaxError' ? 'body is not valid JSON' : fe.message;
    return { status: fe.statusCode ?? 400, code: fe.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_ARGUMENT', message };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}

export function zodErrorBody(error: ZodError): { status: number; code: string; message: string; details: unknown } {
  const fields = error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', problem: issue.message }));
  const first = fields[0];
  return {
    status: 400,
    code: 'INVALID_ARGUMENT',
    message: first ? `${first.field}: ${first.problem}` : 'invalid request',
    details: { fields },
  };
}

