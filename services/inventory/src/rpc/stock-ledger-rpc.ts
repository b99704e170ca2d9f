// StockLedgerService gRPC handlers: receipts, adjustments, the ledger and the low-stock board.
// The gateway has checked who may act on the warehouse; inputs are checked again here, as the
// service is the ledger's only writer.
import { DomainError, unaryService, type Logger } from '@lc/kit';
import { localDate, type StockBoardLevel, type StockLedgerServiceServer, type StockMovement } from '@lc/contracts';
import type { BoardLevelRow, MovementRow, StockLedgerStore } from '../adapters/stock-ledger-store.js';
import { adjustmentProblems, LEDGER_BOUNDS, receiptProblems, type AdjustReason } from '../domain/stock-ledger.js';

const MAX_PAGE = 200;

export function stockLedgerRpc(deps: { ledger: StockLedgerStore; zone: string; logger: Logger; now?: () => number }): StockLedgerServiceServer {
  const { ledger, zone } = deps;
  const now = deps.now ?? Date.now;

  const refuseIfAny = (problems: string[]) => {
    if (problems.length) throw new DomainError('INVALID_ARGUMENT', problems[0]!, { problems });
  };
  const checkTarget = async (req: { warehouseId: string; skuId: string; clientKey?: string }) => {
    if (!req.warehouseId) throw new DomainError('INVALID_ARGUMENT', 'warehouseId: required');
    if (req.clientKey !== undefined && (!req.clientKey || req.clientKey.length > 200)) throw new DomainError('INVALID_ARGUMENT', 'clientKey: 1 to 200 characters required');
    if (!(await ledger.skuExists(req.skuId))) throw new DomainError('NOT_FOUND', `skuId: no SKU ${req.skuId}`);
  };

  return unaryService<StockLedgerServiceServer>(
    {
      async receiveStock(req) {
        refuseIfAny(receiptProblems({ qty: req.qty, batch: req.batch, expiresOn: req.expiresOn, note: req.note }, localDate(now(), zone)));
        await checkTarget(req);
        const recorded = await ledger.record({
          kind: 'RECEIPT',
          skuId: req.skuId,
          warehouseId: req.warehouseId,
          qty: req.qty,
          batch: req.batch.trim(),
          expiresOn: req.expiresOn,
          note: req.note.trim(),
          actorId: req.actorId,
          clientKey: req.clientKey,
        });
        return { movement: toMovement(recorded.movement), level: toLevel(recorded.level), replayed: recorded.replayed };
      },
      async adjustStock(req) {
        refuseIfAny(adjustmentProblems(req));
        await checkTarget(req);
        const recorded = await ledger.record({
          kind: req.reason as AdjustReason,
          skuId: req.skuId,
          warehouseId: req.warehouseId,
          qty: req.reason === 'DAMAGE' ? req.qty : 0,
          counted: req.reason === 'COUNT' ? req.counted : 0,
          note: req.note.trim(),
          actorId: req.actorId,
          clientKey: req.clientKey,
        });
        return { movement: toMovement(recorded.movement), level: toLevel(recorded.level), replayed: recorded.replayed };
      },
      async listStockMovements(req) {
        if (!req.warehouseId) throw new DomainError('INVALID_ARGUMENT', 'warehouseId: required');
        if (req.skuId) await checkTarget(req);
        const limit = req.limit > 0 ? Math.min(req.limit, MAX_PAGE) : 50;
        const movements = await ledger.movements(req.warehouseId, req.skuId, limit + 1, req.beforeId);
        const page = movements.slice(0, limit);
        return { movements: page.map(toMovement), nextBeforeId: movements.length > limit ? page.at(-1)!.id : 0 };
      },
      async getStockBoard(req) {
        if (!req.warehouseId) throw new DomainError('INVALID_ARGUMENT', 'warehouseId: required');
        return { levels: (await ledger.board(req.warehouseId, req.lowOnly)).map(toLevel), defaultAlertLevel: ledger.defaultLevel };
      },
      async setStockAlertLevel(req) {
        if (!req.useDefault && !(Number.isInteger(req.level) && req.level >= 0 && req.level <= LEDGER_BOUNDS.qty)) {
          throw new DomainError('INVALID_ARGUMENT', `level: a whole number of units from 0 to ${LEDGER_BOUNDS.qty}`);
        }
        await checkTarget(req);
        return { level: toLevel(await ledger.setAlertLevel(req.warehouseId, req.skuId, req.useDefault ? null : req.level, req.actorId)) };
      },
    },
    deps.logger,
  );
}

const toMovement = (m: MovementRow): StockMovement => ({ ...m });
const toLevel = (l: BoardLevelRow): StockBoardLevel => ({ ...l });
