// The signed-in user's notification inbox (any role): a page of notices, the unread count, and
// marking some or all read. The user is always the token's; the inbox service refuses ids that are
// not theirs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RpcClient } from '@lc/kit';
import { NOTICE_PAGE, noticeJson, type NoticePage, type NoticeServiceClient } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { registerRoutes } from './route-table.js';
import { parse, uuid } from './validation.js';

const listQuery = z.object({
  limit: z.coerce
    .number({ error: 'limit must be an integer' })
    .int('limit must be an integer')
    .min(1, 'limit must be at least 1')
    .max(NOTICE_PAGE.maxLimit, `limit must be at most ${NOTICE_PAGE.maxLimit}`)
    .default(NOTICE_PAGE.defaultLimit),
  cursor: z.string({ error: 'cursor must be a string' }).regex(/^[0-9]{1,18}$/, 'cursor: not a cursor from an earlier page').optional(),
  unread: z.enum(['true', 'false'], { error: 'unread must be true or false' }).optional(),
});

const markBody = z.object({
  ids: z.array(uuid('ids[]'), { error: 'ids must be a list of notification ids' }).min(1, 'ids: at least one').max(NOTICE_PAGE.maxMarkIds, `ids: at most ${NOTICE_PAGE.maxMarkIds}`),
});

export function noticeRoutes(app: FastifyInstance, deps: { auth: Auth; notices: RpcClient<NoticeServiceClient> }) {
  const { auth, notices } = deps;
  const read = { idempotent: true };

  async function listNotificationsHandler(request: FastifyRequest): Promise<NoticePage> {
    const q = parse(listQuery, request.query);
    const page = await notices.call((c) => c.listNotices, { userId: currentUser(request).id, limit: q.limit, cursor: q.cursor ?? '', unreadOnly: q.unread === 'true' }, read);
    return { notifications: page.notices.map(noticeJson), unreadCount: page.unreadCount, nextCursor: page.nextCursor || null };
  }

  async function unreadNotificationsHandler(request: FastifyRequest) {
    return notices.call((c) => c.countUnreadNotices, { userId: currentUser(request).id }, read);
  }

  async function markNotificationsReadHandler(request: FastifyRequest) {
    const { ids } = parse(markBody, request.body);
    return notices.call((c) => c.markNoticesRead, { userId: currentUser(request).id, ids, all: false }, read);
  }

  async function markAllNotificationsReadHandler(request: FastifyRequest) {
    return notices.call((c) => c.markNoticesRead, { userId: currentUser(request).id, ids: [], all: true }, read);
  }

  registerRoutes(app, auth, [
    { method: 'GET', url: '/api/v1/notifications', roles: [], handler: listNotificationsHandler },
    { method: 'GET', url: '/api/v1/notifications/unread-count', roles: [], handler: unreadNotificationsHandler },
    { method: 'POST', url: '/api/v1/notifications/read', roles: [], handler: markNotificationsReadHandler },
    { method: 'POST', url: '/api/v1/notifications/read-all', roles: [], handler: markAllNotificationsReadHandler },
  ]);
}
