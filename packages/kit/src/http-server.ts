// HTTP server (fastify) every service runs: /healthz (the process is alive), /readyz (its
// dependencies answer), and the error format `{code, message, details?}`.
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

