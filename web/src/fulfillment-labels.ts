// How fulfillment statuses read on the pages (the shapes themselves are @lc/contracts' messages).
export const STOP_STATUS: Record<string, { label: string; color: string }> = {
  PENDING: { label: '待到达 Pending', color: '#8a8f98' },
  ARRIVED: { label: '已到达 Arrived', color: '#ff7a00' },
  HANDED_OVER: { label: '已交接 Handed over', color: '#2b6de0' },
  RECEIVED: { label: '团长已签收 Received', color: '#1a9b55' },
};

export const BAG_STATUS: Record<string, string> = {
  PENDING: '待打包 To pack',
  PACKED: '已打包 Packed',
  OUT_FOR_DELIVERY: '配送中 On the way',
  DISPATCHED: '配送中 On the way',
  ARRIVED: '已到达 Arrived',
  READY_FOR_PICKUP: '待提货 Ready',
  PICKED_UP: '已提货 Picked up',
  CANCELLED: '已取消 Cancelled',
};
