// Leader application statuses as people read them (the admin console and the apply page).
import type { LeaderApplicationStatus } from '@lc/contracts/views';

export const APPLICATION_STATUS_LABELS: Record<LeaderApplicationStatus, string> = {
  PENDING: '待审核 Pending review',
  APPROVED: '已通过 Approved',
  REJECTED: '未通过 Rejected',
};

export const APPLICATION_STATUS_BADGE: Record<LeaderApplicationStatus, string> = { PENDING: 'warn', APPROVED: 'ok', REJECTED: '' };
