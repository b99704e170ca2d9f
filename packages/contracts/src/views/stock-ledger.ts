// The stock ledger as the gateway returns it (/api/v1/stock/receipts, /adjustments, /movements,
// /board, /alerts): movements with JSON nulls where proto has defaults, and the board's levels.
import type { StockBoardLevel } from '../gen/livecommerce/v1/stock_ledger.js';

export const STOCK_MOVEMENT_KINDS = ['OPENING', 'INITIAL', 'RECEIPT', 'DAMAGE', 'COUNT', 'SALE'] as const;
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];

export const STOCK_ADJUST_REASONS = ['DAMAGE', 'COUNT'] as const;
export type StockAdjustReason = (typeof STOCK_ADJUST_REASONS)[number];

export interface StockMovementView {
  id: number;
  skuId: string;
  skuName: string;
  productName: string;
  warehouseId: string;
  kind: StockMovementKind;
  /** Signed change in units on the shelf. */
  qty: number;
  /** On hand right after this movement: the ledger's running sum. */
  onHandAfter: number;
  batch: string | null;
  /** YYYY-MM-DD. */
  expiresOn: string | null;
  /** COUNT: the figure counted. */
  counted: number | null;
  note: string | null;
  actorId: string;
  createdAt: string;
}

export type StockLevelAlertView = StockBoardLevel;

/** `POST /stock/receipts` and `/stock/adjustments`: 201 with the movement, 200 for a replayed key. */
export interface StockMovementAnswer {
  movement: StockMovementView;
  level: StockLevelAlertView;
}

export interface StockBoardView {
  warehouseId: string;
  defaultAlertLevel: number;
  levels: StockLevelAlertView[];
}

export interface StockMovementPage {
  movements: StockMovementView[];
  /** Pass as `before` for the older page; null on the last. */
  nextBefore: number | null;
}
