// The sold-out board lives with the other front-door placement helpers in @lc/contracts, shared
// with the live room's socket; re-exported here for the gateway's modules and tests.
export { SOLD_OUT_BOARD_MAX_POOLS, SoldOutBoard, type StockChange } from '@lc/contracts';
