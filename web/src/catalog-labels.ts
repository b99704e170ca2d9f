// How catalog states read on the pages, and prices typed in yuan (the shapes are @lc/contracts').
import type { ProductProposalView } from '@lc/contracts/views';

export const PROPOSAL_STATUS: Record<ProductProposalView['status'], string> = {
  PENDING: '待审核 pending',
  ACCEPTED: '已上架 accepted',
  REJECTED: '已拒绝 rejected',
};

/** "29.9" → 2990, exactly (no float multiplication). */
export function toFen(yuanText: string): number {
  const m = /^\s*(\d+)(?:\.(\d{0,2}))?\s*$/.exec(yuanText);
  if (!m) throw new Error(`价格格式不对 Not a price: ${yuanText}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
