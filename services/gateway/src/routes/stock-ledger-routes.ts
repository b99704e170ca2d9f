// Stock ledger endpoints (issue 16 point 6): warehouse staff receive and adjust stock of their own
// warehouse (an admin names one), read its ledger, and see and set the low-stock levels. Shapes
// are checked here; the ledger's rules (dates, what may come off the shelf) in inventory.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RpcClient } from '@lc/kit';
import { idempotencyKey, stockMovementJson, STOCK_ADJUST_REASONS, type StockLedgerServiceClient, type StockMovement, type StockBoardLevel } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { actingWarehouse } from './ownership.js';
import { registerRoutes } from './route-table.js';
import { id, parse, uuid } from './validation.js';

const STAFF = ['warehouse', 'admin'] as const;
const MAX_UNITS = 1_000_000;
const units = (what: string, min: number) =>
  z.number({ error: `${what} must be a whole number of units` }).int(`${what} must be a whole number of units`).min(min, `${what} must be at least ${min}`).max(MAX_UNITS, `${what} must be at most ${MAX_UNITS}`);
const note = z.string().trim().max(200, 'note must be at most 200 characters').default('');
const keyHeader = idempotencyKey('Idempotency-Key header');

const receipt = z.object({
  warehouseId: id('warehouseId').optional(),
  skuId: uuid('skuId'),
  qty: units('qty', 1),
  batch: z.string().trim().max(64, 'batch must be at most 64 characters').default(''),
  expiresOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expiresOn must be a date written YYYY-MM-DD')
    .optional(),
  note,
});

const adjustment = z.discriminatedUnion('reason', [
  z.object({ reason: z.literal('DAMAGE'), warehouseId: id('warehouseId').optional(), skuId: uuid('skuId'), qty: units('qty', 1), note }),
  z.object({ reason: z.literal('COUNT'), warehouseId: id('warehouseId').optional(), skuId: uuid('skuId'), counted: units('counted', 0), note }),
], { error: `reason must be one of ${STOCK_ADJUST_REASONS.join(', ')}` });

const alertLevel = z.object({
  warehouseId: id('warehouseId').optional(),
  skuId: uuid('skuId'),
  // null: the SKU follows the default level again.
  level: units('level', 0).nullable(),
});

const movementQuery = z.object({
  warehouseId: id('warehouseId').optional(),
  skuId: uuid('skuId').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).optional(),
});

const warehouseQuery = z.object({ warehouseId: id('warehouseId').optional() });

export function stockLedgerRoutes(app: FastifyInstance, deps: { auth: Auth; ledger: RpcClient<StockLedgerServiceClient> }) {
  const { auth, ledger } = deps;
  const read = { idempotent: true };
  // A movement keyed by the client is safe to retry.
  const keyed = { idempotent: true };
  const answer = (reply: FastifyReply, r: { movement?: StockMovement; level?: StockBoardLevel; replayed: boolean }) =>
    reply.code(r.replayed ? 200 : 201).send({ movement: stockMovementJson(r.movement!), level: r.level });

  async function receiveStockHandler(request: FastifyRequest, reply: FastifyReply) {
    const clientKey = parse(keyHeader, request.headers['idempotency-key']);
    const body = parse(receipt, request.body);
    const user = currentUser(request);
    const warehouseId = actingWarehouse(user, body.warehouseId);
    const r = await ledger.call(
      (c) => c.receiveStock,
      { warehouseId, skuId: body.skuId, qty: body.qty, batch: body.batch, expiresOn: body.expiresOn ?? '', note: body.note, actorId: user.id, clientKey },
      keyed,
    );
    return answer(reply, r);
  }

  async function adjustStockHandler(request: FastifyRequest, reply: FastifyReply) {
    const clientKey = parse(keyHeader, request.headers['idempotency-key']);
    const body = parse(adjustment, request.body);
    const user = currentUser(request);
    const warehouseId = actingWarehouse(user, body.warehouseId);
    const r = await ledger.call(
      (c) => c.adjustStock,
      {
        warehouseId,
        skuId: body.skuId,
        reason: body.reason,
        qty: body.reason === 'DAMAGE' ? body.qty : 0,
        counted: body.reason === 'COUNT' ? body.counted : 0,
        note: body.note,
        actorId: user.id,
        clientKey,
      },
      keyed,
    );
    return answer(reply, r);
  }

  async function listStockMovementsHandler(request: FastifyRequest) {
    const q = parse(movementQuery, request.query);
    const warehouseId = actingWarehouse(currentUser(request), q.warehouseId);
    const page = await ledger.call((c) => c.listStockMovements, { warehouseId, skuId: q.skuId ?? '', limit: q.limit, beforeId: q.before ?? 0 }, read);
    return { warehouseId, movements: page.movements.map(stockMovementJson), nextBefore: page.nextBeforeId || null };
  }

  const board = async (request: FastifyRequest, lowOnly: boolean) => {
    const q = parse(warehouseQuery, request.query);
    const warehouseId = actingWarehouse(currentUser(request), q.warehouseId);
    return { warehouseId, ...(await ledger.call((c) => c.getStockBoard, { warehouseId, lowOnly }, read)) };
  };
  async function stockBoardHandler(request: FastifyRequest) {
    return board(request, false);
  }
  async function lowStockAlertsHandler(request: FastifyRequest) {
    return board(request, true);
  }

  async function setStockAlertLevelHandler(request: FastifyRequest) {
    const body = parse(alertLevel, request.body);
    const user = currentUser(request);
    const warehouseId = actingWarehouse(user, body.warehouseId);
    const { level } = await ledger.call(
      (c) => c.setStockAlertLevel,
      { warehouseId, skuId: body.skuId, level: body.level ?? 0, useDefault: body.level === null, actorId: user.id },
      keyed,
    );
    return level;
  }

  registerRoutes(app, auth, [
    { method: 'POST', url: '/api/v1/stock/receipts', roles: STAFF, handler: receiveStockHandler },
    { method: 'POST', url: '/api/v1/stock/adjustments', roles: STAFF, handler: adjustStockHandler },
    { method: 'GET', url: '/api/v1/stock/movements', roles: STAFF, handler: listStockMovementsHandler },
    { method: 'GET', url: '/api/v1/stock/board', roles: STAFF, handler: stockBoardHandler },
    { method: 'GET', url: '/api/v1/stock/alerts', roles: STAFF, handler: lowStockAlertsHandler },
    { method: 'PUT', url: '/api/v1/stock/alert-levels', roles: STAFF, handler: setStockAlertLevelHandler },
  ]);
}
