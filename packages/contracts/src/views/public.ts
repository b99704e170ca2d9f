// Every public shape, types only: what web/ imports (as `import type`, so nothing reaches the
// bundle). Fulfillment answers are the proto messages as generated.
export type * from './roles.js';
export type * from './order.js';
export type * from './flash-sale.js';
export type * from './live-room.js';
export type * from './catalog.js';
export type { Bag, PickList, Route, RoutePlan, Stop, Wave, Warehouse } from '../gen/livecommerce/v1/fulfillment.js';
export type * from './live-session.js';
export type * from './identity.js';
export type * from './notice.js';
export type * from './pickup-point.js';
export type * from './after-sales.js';
export type * from './leader-application.js';
export type * from './share-link.js';
export type * from './group-buy.js';
export type * from './stock-ledger.js';
export type * from './leader-dashboard.js';
