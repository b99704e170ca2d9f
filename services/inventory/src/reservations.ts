// Reserve / confirm / release: the Redis hot path in front, Postgres as the system of record
// behind it, and the compensations that keep the two agreeing through crashes and Redis loss.
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { DomainError, type Logger } from '@lc/kit';
import { BOUNDS, isOrderQty } from '@lc/contracts';
import type { HotPools, PoolCounters, SettleAction } from './adapters/hot-pool.js';
import type { CatalogStore, FlashSaleRow, SkuRow } from './adapters/catalog-store.js';
import type { HoldRow, PoolHold, ReservationStore } from './adapters/reservation-store.js';
import type { StockPublisher } from './adapters/stock-publisher.js';
import type { ReserveOutcome } from './domain/flash-sale.js';
import { skuLimitPerBuyer, type BuyerLimits } from './domain/buyer-limits.js';

export interface ReserveRequest {
  flashSaleId: string;
  buyerId: string;
  qty: number;
  idempotencyKey: string;
}

export interface ReserveAnswer {
  outcome: ReserveOutcome;
  reservationId: string;
  expiresAtMs: number;
  sale: FlashSaleRow;
  /** The key had been answered before (the caller may already have acted on that answer). */
  replayed?: boolean;
}

export interface StockAnswer {
  outcome: 'RESERVED' | 'SOLD_OUT' | 'LIMIT_REACHED';
  sku: SkuRow;
  hold?: HoldRow;
  replayed?: boolean;
}

/** What every hold request must carry, from a pool or from stock. */
function checkHoldRequest(req: { qty: number; buyerId: string; idempotencyKey: string }): void {
  if (!isOrderQty(req.qty)) throw new DomainError('INVALID_ARGUMENT', `qty: must be an integer from ${BOUNDS.qty.min} to ${BOUNDS.qty.max}`);
  if (!req.buyerId) throw new DomainError('INVALID_ARGUMENT', 'buyerId: required');
  if (!req.idempotencyKey || req.idempotencyKey.length > 200) throw new DomainError('INVALID_ARGUMENT', 'idempotencyKey: required, at most 200 characters');
}

/** A key seen before answers only the same buyer asking for the same quantity. */
function checkSameRequest(first: { buyerId: string; qty: number }, req: { buyerId: string; qty: number }): void {
  if (first.buyerId !== req.buyerId || first.qty !== req.qty) {
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'idempotencyKey: already used for a different request');
  }
}

export class Reservations {
  private readonly sales = new Map<string, FlashSaleRow>();
  private readonly loading = new Map<string, Promise<void>>();
  // A decision under a row lock may wait for a Redis rebuild, whose snapshot needs a connection of
  // its own: after a Redis loss a whole batch of replays decides at once, and letting all of them
  // hold a connection would leave the rebuild none.
  private readonly decisions = pLimit(4);

  constructor(
    private readonly hot: HotPools,
    private readonly holds: ReservationStore,
    private readonly catalog: CatalogStore,
    private readonly stock: StockPublisher,
    private readonly logger: Logger,
    private readonly listPriceHoldSeconds = 900,
    private readonly buyerLimits: BuyerLimits = { skuDefaultPerBuyer: 10, openListPriceHolds: 5 },
  ) {}

  /** Pool terms never change once created, so they are cached for the hot path. */
  async sale(id: string): Promise<FlashSaleRow> {
    const cached = this.sales.get(id);
    if (cached) return cached;
    const row = await this.catalog.flashSale(id);
    if (!row) throw new DomainError('NOT_FOUND', `flashSaleId: no flash sale ${id}`);
    this.sales.set(id, row);
    return row;
  }

  /** Ends a sale now: Postgres first (a rebuild reads it), then the hot state. */
  async end(id: string, leaderId: string): Promise<FlashSaleRow> {
    const sale = await this.sale(id);
    if (leaderId && sale.leaderId !== leaderId) throw new DomainError('FORBIDDEN', 'only the leader hosting the sale may end it');
    const nowMs = Date.now();
    const ended = await this.catalog.endFlashSale(id, nowMs);
    if (!ended) throw new DomainError('INVALID_STATE', 'the flash sale has already ended');
    await this.hot.end(id, ended.endsAtMs);
    this.sales.set(id, ended);
    return ended;
  }

  /**
   * No hold of a pool outlives its end plus its hold time; once that (and the sweep's slack) has
   * passed and Redis lists no stale hold, this process forgets the pool's terms (reloaded if asked
   * again), so the cache is bounded by the pools that can still change rather than every pool ever.
   */
  private forgetIfOver(sale: FlashSaleRow, slackMs: number): void {
    if (sale.endsAtMs + sale.holdSeconds * 1000 + slackMs < Date.now()) this.sales.delete(sale.id);
  }

  knownPools(): FlashSaleRow[] {
    return [...this.sales.values()];
  }

  async reserve(req: ReserveRequest): Promise<ReserveAnswer> {
    checkHoldRequest(req);
    const sale = await this.sale(req.flashSaleId);
    for (let attempt = 0; attempt < 4; attempt++) {
      const nowMs = Date.now();
      const holdId = randomUUID();
      const expiresAtMs = nowMs + sale.holdSeconds * 1000;
      const r = await this.hot.reserve(sale.id, { buyerId: req.buyerId, qty: req.qty, key: req.idempotencyKey, holdId, expiresAtMs, nowMs });
      switch (r.kind) {
        case 'NOT_LOADED':
          await this.ensureLoaded(sale);
          continue;
        case 'REPLAY':
          checkSameRequest(r, req);
          if (r.outcome === 'RESERVED') return { ...(await this.replayedHold(sale, req, r)), replayed: true };
          return { outcome: r.outcome as ReserveOutcome, reservationId: r.holdId, expiresAtMs: r.expiresAtMs, sale, replayed: true };
        case 'RESERVED':
          return this.recordHold(sale, req, r);
        default:
          return { outcome: r.kind, reservationId: '', expiresAtMs: 0, sale };
      }
    }
    throw new DomainError('UNAVAILABLE', 'stock is being rebuilt, try again');
  }

  /** A hold the buyer has not heard about yet must reach Postgres, or be given back. */
  private async recordHold(sale: FlashSaleRow, req: ReserveRequest, r: { holdId: string; expiresAtMs: number; gen: string } & PoolCounters): Promise<ReserveAnswer> {
    const hold = { id: r.holdId, flashSaleId: sale.id, buyerId: req.buyerId, qty: req.qty, key: req.idempotencyKey, expiresAtMs: r.expiresAtMs };
    let inserted: boolean;
    try {
      inserted = await this.holds.insertHold(hold);
    } catch (error) {
      await this.hot.settle(sale.id, r.holdId, 'UNDO').catch(() => undefined);
      this.logger.warn({ err: (error as Error).message, flashSaleId: sale.id }, 'hold not recorded, given back');
      throw new DomainError('UNAVAILABLE', 'could not record the reservation, try again');
    }
    if (!inserted) {
      const first = await this.holds.byKey(sale.id, req.idempotencyKey);
      // A replay of this key wrote our own hold's row while we were slow (see replayedHold).
      if (first?.id === r.holdId) return this.answerWith(sale, req, first);
      // The key won before Redis lost it, or the pool was closed before this hold reached
      // Postgres: this hold goes back, and the first one answers or the sale is over.
      await this.hot.settle(sale.id, r.holdId, 'UNDO');
      if (!first && (await this.holds.poolClosed(sale.id))) return { outcome: 'ENDED', reservationId: '', expiresAtMs: 0, sale };
      if (!first) throw new DomainError('UNAVAILABLE', 'try again');
      return { ...(await this.answerWith(sale, req, first)), replayed: true };
    }
    // Redis rebuilt between our Lua step and our commit: the rebuild may not have seen this row.
    if ((await this.hot.generation(sale.id)) !== r.gen) return this.answerWith(sale, req, { ...hold, status: 'HELD' });
    this.stock.changed(sale.id, r);
    return { outcome: 'RESERVED', reservationId: r.holdId, expiresAtMs: r.expiresAtMs, sale };
  }

  /**
   * A replayed RESERVED answer stands only while its row does (it may have lost a rebuild race).
   * When the row never comes, the first request's process died between its Lua step and its
   * insert, and Redis still counts the units: the replay writes the row itself from what Redis
   * kept. That is safe with the writer alive too: the hold id is the same, a slow writer that
   * finds the row takes it as its own (recordHold), and answerWith re-adopts it into Redis under
   * the row's lock in case the writer had already given it back.
   */
  private async replayedHold(sale: FlashSaleRow, req: ReserveRequest, r: { holdId: string; expiresAtMs: number }): Promise<ReserveAnswer> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const row = await this.holds.byId(r.holdId);
      // The first request may still be writing its row.
      if (row) return this.answerWith(sale, req, row);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const hold = { id: r.holdId, flashSaleId: sale.id, buyerId: req.buyerId, qty: req.qty, key: req.idempotencyKey, expiresAtMs: r.expiresAtMs };
    if (await this.holds.insertHold(hold)) {
      this.logger.warn({ flashSaleId: sale.id, holdId: r.holdId }, 'hold found only in Redis, recorded from the replay');
      return this.answerWith(sale, req, { ...hold, status: 'HELD' });
    }
    const first = await this.holds.byKey(sale.id, req.idempotencyKey);
    if (first) return this.answerWith(sale, req, first);
    if (await this.holds.poolClosed(sale.id)) {
      // Closed without this hold: its units went back to stock, so Redis must not keep them.
      await this.hot.settle(sale.id, r.holdId, 'UNDO');
      return { outcome: 'ENDED', reservationId: '', expiresAtMs: 0, sale };
    }
    throw new DomainError('UNAVAILABLE', 'reservation is still being recorded, try again');
  }

  /**
   * The answer for a recorded hold whose presence in Redis is not certain: the hold is adopted
   * into Redis (or refused when that would oversell, which releases it) under the row's lock, so
   * every request asking about the same hold gets the same answer.
   */
  private async answerWith(sale: FlashSaleRow, req: ReserveRequest, row: PoolHold & Pick<HoldRow, 'status'>): Promise<ReserveAnswer> {
    checkSameRequest(row, req);
    const status = await this.decisions(() =>
      this.holds.decideHeld(row.id, 'lost in redis rebuild', async () => ((await this.adopt(sale, row)) ? 'keep' : 'release')),
    );
    if (status === 'HELD' || status === 'CONFIRMED') return { outcome: 'RESERVED', reservationId: row.id, expiresAtMs: row.expiresAtMs, sale };
    return { outcome: 'SOLD_OUT', reservationId: '', expiresAtMs: 0, sale };
  }

  private async adopt(sale: FlashSaleRow, hold: PoolHold): Promise<boolean> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const result = await this.hot.adopt(sale.id, { holdId: hold.id, buyerId: hold.buyerId, qty: hold.qty, key: hold.key, expiresAtMs: hold.expiresAtMs });
      if (result === 'NOT_LOADED') {
        await this.ensureLoaded(sale);
        continue;
      }
      return result !== 'REFUSED';
    }
    throw new DomainError('UNAVAILABLE', 'stock is being rebuilt, try again');
  }

  /**
   * A hold at list price, outside any flash sale: from the SKU's free stock, within the SKU's own
   * per-buyer limit (the default one when it has none) and the cap on the buyer's unpaid
   * list-price holds. Ordinary shopping, not a spike, so Postgres alone decides.
   */
  async reserveStock(req: { skuId: string; buyerId: string; qty: number; idempotencyKey: string }): Promise<StockAnswer> {
    checkHoldRequest(req);
    const sku = await this.catalog.sku(req.skuId);
    if (!sku) throw new DomainError('NOT_FOUND', `skuId: no SKU ${req.skuId}`);
    const r = await this.holds.reserveStock({
      holdId: randomUUID(),
      skuId: sku.id,
      buyerId: req.buyerId,
      qty: req.qty,
      key: req.idempotencyKey,
      perBuyerLimit: skuLimitPerBuyer(sku.perBuyerLimit, this.buyerLimits),
      maxOpenHolds: this.buyerLimits.openListPriceHolds,
      expiresAtMs: Date.now() + this.listPriceHoldSeconds * 1000,
    });
    if (!('hold' in r)) return { outcome: r.kind, sku };
    checkSameRequest(r.hold, req);
    // A replayed hold that has since been released no longer stands.
    if (r.hold.status === 'RELEASED') return { outcome: 'SOLD_OUT', sku, replayed: true };
    return { outcome: 'RESERVED', sku, hold: r.hold, replayed: r.kind === 'REPLAY' };
  }

  /** Paid: the hold's units become sold. True also when it already was confirmed. */
  async confirm(reservationId: string): Promise<boolean> {
    return (await this.settle(reservationId, 'CONFIRMED')).status === 'CONFIRMED';
  }

  /** Gives the units back; `released` is true only for the call that actually released them. */
  async release(reservationId: string, reason: string): Promise<{ released: boolean; status: HoldRow['status'] }> {
    const { changed, status } = await this.settle(reservationId, 'RELEASED', reason);
    return { released: changed, status };
  }

  /**
   * Postgres decides (only one caller moves a HELD row), then Redis mirrors it. A repeat for a row
   * already in `to` mirrors it again, which heals a crash between the two steps.
   */
  private async settle(reservationId: string, to: 'CONFIRMED' | 'RELEASED', reason = ''): Promise<{ changed: boolean; status: HoldRow['status'] }> {
    const action = to === 'CONFIRMED' ? 'CONFIRM' : 'RELEASE';
    const row = await this.holds.settle(reservationId, to, reason);
    if (row) {
      await this.settleHot(row, action);
      return { changed: true, status: to };
    }
    const existing = await this.holds.byId(reservationId);
    if (!existing) throw new DomainError('NOT_FOUND', `reservationId: no reservation ${reservationId}`);
    if (existing.status === to) await this.settleHot(existing, action);
    return { changed: false, status: existing.status };
  }

  /**
   * Mirrors a settled Postgres row in Redis. Redis removes the hold in the same step, so running
   * this twice (a retry, the reconciler) changes the counts once.
   */
  async settleHot(row: HoldRow, action: SettleAction): Promise<void> {
    // A hold at list price has no Redis side: its stock moved with the row.
    if (!row.flashSaleId) return;
    const sale = await this.sale(row.flashSaleId);
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const r = await this.hot.settle(sale.id, row.id, action);
        if (r.kind === 'NOT_LOADED') {
          // A rebuild reads Postgres, where this row is already settled.
          await this.ensureLoaded(sale);
          return;
        }
        if (r.kind !== 'ABSENT') this.stock.changed(sale.id, r);
        return;
      }
    } catch (error) {
      // Postgres is settled; the reconciler finishes the Redis side once it is back.
      this.logger.warn({ err: (error as Error).message, reservationId: row.id }, 'redis settle deferred');
    }
  }

  /** Rebuilds a pool's Redis state from Postgres; concurrent callers share one load. */
  async ensureLoaded(sale: FlashSaleRow): Promise<void> {
    const pending = this.loading.get(sale.id);
    if (pending) return pending;
    const load = (async () => {
      const snapshot = await this.holds.snapshot(sale);
      if (await this.hot.load(sale.id, snapshot, randomUUID())) {
        this.logger.info({ flashSaleId: sale.id, holds: snapshot.holds.length }, 'pool loaded into redis');
      }
    })().finally(() => this.loading.delete(sale.id));
    this.loading.set(sale.id, load);
    return load;
  }

  /**
   * One sweep: releases holds past expiry (plus grace, so the order service normally cancels
   * first), makes Redis agree with Postgres for holds Redis still lists as expired, and gives
   * ended pools' unsold units back to the warehouse.
   */
  async sweep(graceMs: number, poolCloseDelayMs: number): Promise<number> {
    const expired = await this.holds.releaseExpired(graceMs);
    for (const row of expired) await this.settleHot(row, 'RELEASE');
    for (const sale of this.knownPools()) {
      const stale = await this.hot.expiredHolds(sale.id, Date.now() - graceMs);
      if (!stale.length) {
        this.forgetIfOver(sale, graceMs + poolCloseDelayMs);
        continue;
      }
      const rows = await this.holds.statuses(stale);
      for (const holdId of stale) {
        const row = rows.get(holdId);
        if (!row) {
          // Won in Redis but never recorded (the process died in between): nobody was told.
          await this.hot.settle(sale.id, holdId, 'UNDO');
        } else if (row.status === 'CONFIRMED') await this.settleHot(row, 'CONFIRM');
        else if (row.status === 'RELEASED') await this.settleHot(row, 'RELEASE');
      }
    }
    for (const pool of await this.holds.returnUnsold(poolCloseDelayMs)) {
      if (pool.units || pool.closed) this.logger.info(pool, pool.closed ? 'pool closed, unsold units returned to stock' : 'unsold units returned to stock');
    }
    return expired.length;
  }
}
