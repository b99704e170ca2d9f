// Stock ledger messages turned into their public JSON views (views/stock-ledger.ts).
import type { StockMovement } from '../gen/livecommerce/v1/stock_ledger.js';
import type { StockMovementKind, StockMovementView } from './stock-ledger.js';

export function stockMovementJson(m: StockMovement): StockMovementView {
  const { createdAtMs, ...rest } = m;
  return {
    ...rest,
    kind: m.kind as StockMovementKind,
    batch: m.batch || null,
    expiresOn: m.expiresOn || null,
    counted: m.kind === 'COUNT' ? m.counted : null,
    note: m.note || null,
    createdAt: new Date(createdAtMs).toISOString(),
  };
}
