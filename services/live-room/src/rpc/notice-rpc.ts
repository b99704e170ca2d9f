// NoticeService gRPC: the inbox for the gateway's /api/v1/notifications routes. The gateway names
// the user from the verified token; every call here is scoped to that user.
import { DomainError, unaryService, type Logger } from '@lc/kit';
import type { NoticeServiceServer } from '@lc/contracts';
import type { Notices } from '../notices.js';

const userOf = (req: { userId: string }) => {
  if (!req.userId) throw new DomainError('INVALID_ARGUMENT', 'userId is required');
  return req.userId;
};

export function noticeRpc(notices: Notices, logger: Logger) {
  return unaryService<NoticeServiceServer>(
    {
      async listNotices(req) {
        return notices.list(userOf(req), { limit: req.limit, cursor: req.cursor, unreadOnly: req.unreadOnly });
      },
      async countUnreadNotices(req) {
        return { unreadCount: await notices.unreadCount(userOf(req)) };
      },
      async markNoticesRead(req) {
        return notices.markRead(userOf(req), req.all ? 'all' : { ids: req.ids });
      },
    },
    logger,
  );
}
