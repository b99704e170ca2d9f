// After-sales (售后) endpoints: a buyer opens a request with photos on their own order; the order's
// leader, the serving warehouse's staff or an admin answer and resolve it with a refund; admins
// see what is overdue. Roles are checked here, ownership by the order service, which is told who asks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RpcClient } from '@lc/kit';
import { AFTER_SALES_KINDS, AFTER_SALES_RULES, AFTER_SALES_STATUSES, afterSalesJson, afterSalesReportJson, fen, type OrderServiceClient } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { actorOf } from './ownership.js';
import { registerRoutes } from './route-table.js';
import { parse, uuid } from './validation.js';

const { photoMax, photoMaxBytes, text: textBounds } = AFTER_SALES_RULES;
const text = (what: string) => z.string({ error: `${what} must be text` }).trim().min(textBounds.min, `${what} is required`).max(textBounds.max, `${what}: at most ${textBounds.max} characters`);
// Photos travel as base64 (a data: URL prefix is allowed); their type is judged by content later.
const photo = z
  .string({ error: 'photos[] must be base64 image data' })
  .transform((s) => s.replace(/^data:[^,]*;base64,/, ''))
  .refine((s) => /^[A-Za-z0-9+/\r\n]*={0,2}$/.test(s), 'photos[] must be base64 image data')
  .transform((s) => Buffer.from(s, 'base64'))
  .refine((b) => b.length > 0, 'photos[] must not be empty')
  .refine((b) => b.length <= photoMaxBytes, `photos[] must be at most ${photoMaxBytes} bytes each`);
const openBody = z.object({
  kind: z.enum(AFTER_SALES_KINDS, { error: `kind must be one of ${AFTER_SALES_KINDS.join(', ')}` }),
  text: text('text'),
  photos: z.array(photo).max(photoMax, `photos: at most ${photoMax}`).default([]),
});
const answerBody = z.object({ text: text('text') });
const resolveBody = z.object({ refundFen: fen, note: z.string().trim().max(textBounds.max).default('') });
const listQuery = z.object({
  status: z.enum(AFTER_SALES_STATUSES, { error: `status must be one of ${AFTER_SALES_STATUSES.join(', ')}` }).optional(),
  orderId: uuid('orderId').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const byId = z.object({ id: uuid('id') });
const photoParams = z.object({ id: uuid('id'), photoId: uuid('photoId') });
// Base64 grows data by a third; room for the photos, the text and the JSON around them.
const UPLOAD_LIMIT = Math.ceil((photoMax * photoMaxBytes * 4) / 3) + 64 * 1024;

export function afterSalesRoutes(app: FastifyInstance, deps: { auth: Auth; orders: RpcClient<OrderServiceClient> }) {
  const { auth, orders } = deps;
  const actor = (request: FastifyRequest) => actorOf(currentUser(request));
  const read = { idempotent: true } as const;

  async function openAfterSalesHandler(request: FastifyRequest, reply: FastifyReply) {
    const { id: orderId } = parse(byId, request.params);
    const body = parse(openBody, request.body);
    const { afterSales } = await orders.call((c) => c.openAfterSales, { actor: actor(request), orderId, kind: body.kind, text: body.text, photos: body.photos }, { deadlineMs: 10_000 });
    return reply.code(201).send(afterSalesJson(afterSales!));
  }

  async function listAfterSalesHandler(request: FastifyRequest) {
    const q = parse(listQuery, request.query);
    const { cases } = await orders.call((c) => c.listAfterSales, { actor: actor(request), status: q.status ?? '', orderId: q.orderId ?? '', limit: q.limit }, read);
    return { cases: cases.map(afterSalesJson) };
  }

  async function getAfterSalesHandler(request: FastifyRequest) {
    const { id: caseId } = parse(byId, request.params);
    const { afterSales } = await orders.call((c) => c.getAfterSales, { actor: actor(request), caseId }, read);
    return afterSalesJson(afterSales!);
  }

  async function afterSalesPhotoHandler(request: FastifyRequest, reply: FastifyReply) {
    const { id: caseId, photoId } = parse(photoParams, request.params);
    const { contentType, data } = await orders.call((c) => c.getAfterSalesPhoto, { actor: actor(request), caseId, photoId }, { ...read, deadlineMs: 10_000 });
    // Only sniffed image types are ever stored; nosniff keeps browsers from guessing otherwise.
    return reply.header('content-type', contentType).header('x-content-type-options', 'nosniff').header('cache-control', 'private, max-age=3600').send(Buffer.from(data));
  }

  async function answerAfterSalesHandler(request: FastifyRequest) {
    const { id: caseId } = parse(byId, request.params);
    const { text: answer } = parse(answerBody, request.body);
    const { afterSales } = await orders.call((c) => c.answerAfterSales, { actor: actor(request), caseId, text: answer });
    return afterSalesJson(afterSales!);
  }

  async function resolveAfterSalesHandler(request: FastifyRequest) {
    const { id: caseId } = parse(byId, request.params);
    const body = parse(resolveBody, request.body);
    const { afterSales } = await orders.call((c) => c.resolveAfterSales, { actor: actor(request), caseId, refundFen: body.refundFen, note: body.note }, { deadlineMs: 10_000 });
    return afterSalesJson(afterSales!);
  }

  async function afterSalesReportHandler(request: FastifyRequest) {
    const { limit } = parse(z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }), request.query);
    return afterSalesReportJson(await orders.call((c) => c.afterSalesReport, { limit }, read));
  }

  const handlers = ['leader', 'warehouse', 'admin'] as const;
  registerRoutes(app, auth, [
    { method: 'POST', url: '/api/v1/orders/:id/after-sales', roles: ['buyer'], handler: openAfterSalesHandler, bodyLimit: UPLOAD_LIMIT },
    { method: 'GET', url: '/api/v1/after-sales', roles: ['buyer', ...handlers], handler: listAfterSalesHandler },
    { method: 'GET', url: '/api/v1/after-sales/:id', roles: ['buyer', ...handlers], handler: getAfterSalesHandler },
    { method: 'GET', url: '/api/v1/after-sales/:id/photos/:photoId', roles: ['buyer', ...handlers], handler: afterSalesPhotoHandler },
    { method: 'POST', url: '/api/v1/after-sales/:id/answers', roles: handlers, handler: answerAfterSalesHandler },
    { method: 'POST', url: '/api/v1/after-sales/:id/resolve', roles: handlers, handler: resolveAfterSalesHandler },
    { method: 'GET', url: '/api/v1/admin/after-sales/report', roles: ['admin'], handler: afterSalesReportHandler },
  ]);
}
