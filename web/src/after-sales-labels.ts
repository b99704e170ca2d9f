// After-sales words in 中文 + English: the kinds of problem, the case statuses, who wrote.
export const KIND_LABELS: Record<string, string> = {
  MISSING: '缺件 Missing item',
  DAMAGED: '破损 Damaged',
  WRONG_ITEM: '发错货 Wrong item',
  QUALITY: '质量问题 Quality',
};

export const CASE_STATUS_LABELS: Record<string, string> = {
  OPEN: '待响应 Awaiting answer',
  ANSWERED: '处理中 Answered',
  RESOLVED: '已解决 Resolved',
};

export const AUTHOR_LABELS: Record<string, string> = {
  buyer: '买家 Buyer',
  leader: '团长 Leader',
  warehouse: '仓库 Warehouse',
  admin: '客服 Support',
  system: '系统 System',
};
