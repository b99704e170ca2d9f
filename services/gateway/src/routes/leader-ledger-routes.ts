// Leader money endpoints: a leader's own ledger, T+1 statements (JSON and CSV), withdrawals and
// tier; buyers rate their leader after pickup; admins reconcile and evaluate tiers on demand.
// Roles are checked here, ownership (a leader's own ledger) here and again by the leader service,
// which is told who asks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, type RpcClient } from '@lc/kit';
import type { LeaderServiceClient } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { actorOf } from './ownership.js';
import { registerRoutes } from './route-table.js';
import { fen, id, parse, uuid } from './validation.js';

const date = (what: string) => z.string({ error: `${what} must be a date YYYY-MM-DD` }).regex(/^\d{4}-\d{2}-\d{2}$/, `${what} must be a date YYYY-MM-DD`);
const leaderParams = z.object({ leaderId: id('leaderId') });
const statementParams = leaderParams.extend({ date: date('date') });
const ledgerQuery = z.object({
  beforeId: z.coerce.number({ error: 'beforeId must be an entry id' }).int().min(1).optional(),
  limit: z.coerce.number({ error: 'limit must be an integer' }).int().min(1).max(500).default(100),
});
const statementsQuery = z.object({ from: date('from').optional(), to: date('to').optional(), limit: z.coerce.number().int().min(1).max(366).default(31) });
const withdrawalBody = z.object({
  amountFen: fen.refine((v) => v > 0, 'amountFen must be positive'),
  idempotencyKey: z.string({ error: 'idempotencyKey is required' }).regex(/^[A-Za-z0-9_-]{8,64}$/, 'idempotencyKey must be 8–64 letters, digits, - or _'),
});
const ratingBody = z.object({
  score: z.number({ error: 'score must be an integer from 0 to 10' }).int('score must be an integer from 0 to 10').min(0, 'score must be an integer from 0 to 10').max(10, 'score must be an integer from 0 to 10'),
  comment: z.string().max(500).default(''),
});
const evaluationBody = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM').optional() });

export function leaderLedgerRoutes(app: FastifyInstance, deps: { auth: Auth; leader: RpcClient<LeaderServiceClient> }) {
  const { leader } = deps;

  /** Who asks about which leader: a leader only about themself; an admin about anyone. */
  function askingFor(request: FastifyRequest) {
    const user = currentUser(request);
    const { leaderId } = parse(leaderParams, request.params);
    if (user.role === 'leader' && user.id !== leaderId) throw new DomainError('FORBIDDEN', 'a leader reads only their own ledger');
    return { actor: actorOf(user), leaderId };
  }

  async function leaderLedgerHandler(request: FastifyRequest) {
    const q = parse(ledgerQuery, request.query);
    return leader.call((c) => c.getLedger, { ...askingFor(request), beforeId: q.beforeId ?? 0, limit: q.limit }, { idempotent: true });
  }

  async function leaderStatementsHandler(request: FastifyRequest) {
    const q = parse(statementsQuery, request.query);
    return leader.call((c) => c.listStatements, { ...askingFor(request), fromDate: q.from ?? '', toDate: q.to ?? '', limit: q.limit }, { idempotent: true });
  }

  async function leaderStatementHandler(request: FastifyRequest) {
    const { date: statementDate } = parse(statementParams, request.params);
    return leader.call((c) => c.getStatement, { ...askingFor(request), statementDate }, { idempotent: true });
  }

  async function leaderStatementCsvHandler(request: FastifyRequest, reply: FastifyReply) {
    const { date: statementDate } = parse(statementParams, request.params);
    const { csv, filename } = await leader.call((c) => c.exportStatementCsv, { ...askingFor(request), statementDate }, { idempotent: true });
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
  }

  async function requestWithdrawalHandler(request: FastifyRequest, reply: FastifyReply) {
    const asking = askingFor(request);
    const body = parse(withdrawalBody, request.body);
    const { withdrawal } = await leader.call((c) => c.requestWithdrawal, { ...asking, ...body });
    return reply.code(withdrawal!.status === 'FAILED' ? 502 : 201).send(withdrawal);
  }

  async function listWithdrawalsHandler(request: FastifyRequest) {
    return leader.call((c) => c.listWithdrawals, { ...askingFor(request), limit: 50 }, { idempotent: true });
  }

  async function leaderTierHandler(request: FastifyRequest) {
    return leader.call((c) => c.getTier, askingFor(request), { idempotent: true });
  }

  async function rateLeaderHandler(request: FastifyRequest, reply: FastifyReply) {
    const { id: orderId } = parse(z.object({ id: uuid('order id') }), request.params);
    const body = parse(ratingBody, request.body);
    const rating = await leader.call((c) => c.rateLeader, { actor: actorOf(currentUser(request)), orderId, ...body });
    return reply.code(201).send(rating);
  }

  async function ledgerReconciliationHandler(request: FastifyRequest) {
    return leader.call((c) => c.getReconciliation, { actor: actorOf(currentUser(request)) }, { idempotent: true });
  }

  async function evaluateTierHandler(request: FastifyRequest, reply: FastifyReply) {
    const { month } = parse(evaluationBody, request.body);
    const { evaluation } = await leader.call((c) => c.evaluateTier, { ...askingFor(request), month: month ?? '' });
    return reply.code(201).send(evaluation);
  }

  registerRoutes(app, deps.auth, [
    { method: 'GET', url: '/api/v1/leaders/:leaderId/ledger', roles: ['leader', 'admin'], handler: leaderLedgerHandler },
    { method: 'GET', url: '/api/v1/leaders/:leaderId/statements', roles: ['leader', 'admin'], handler: leaderStatementsHandler },
    { method: 'GET', url: '/api/v1/leaders/:leaderId/statements/:date', roles: ['leader', 'admin'], handler: leaderStatementHandler },
    { method: 'GET', url: '/api/v1/leaders/:leaderId/statements/:date/csv', roles: ['leader', 'admin'], handler: leaderStatementCsvHandler },
    { method: 'POST', url: '/api/v1/leaders/:leaderId/withdrawals', roles: ['leader'], handler: requestWithdrawalHandler },
    { method: 'GET', url: '/api/v1/leaders/:leaderId/withdrawals', roles: ['leader', 'admin'], handler: listWithdrawalsHandler },
    { method: 'GET', url: '/api/v1/leaders/:leaderId/tier', roles: ['leader', 'admin'], handler: leaderTierHandler },
    { method: 'POST', url: '/api/v1/orders/:id/rating', roles: ['buyer'], handler: rateLeaderHandler },
    { method: 'GET', url: '/api/v1/admin/leader-ledger/reconciliation', roles: ['admin'], handler: ledgerReconciliationHandler },
    { method: 'POST', url: '/api/v1/admin/leaders/:leaderId/tier-evaluations', roles: ['admin'], handler: evaluateTierHandler },
  ]);
}
