// Group buys (开团): opening one (its stock cap is an inventory pool, so concurrent buyers meet the
// same Lua step as a flash sale and cannot oversell), placing orders into it, and the cut-off job:
// the one decision, then each order dealt with once (released to fulfillment, or refunded through
// the provider, or its unpaid hold given back). The job runs on every replica: decisions are row
// claims and every per-order step is idempotent, so replicas and replays change nothing twice.
import { randomUUID } from 'node:crypto';
import { DomainError, isDomainError, type Logger } from '@lc/kit';
import type { GroupBuyStore, GroupBuyRow } from './adapters/group-buy-store.js';
import type { InventoryClient } from './adapters/inventory-client.js';
import type { OrderStore } from './adapters/order-store.js';
import { groupBuyPoolMark, groupBuyProblems, placementRefusal, type GroupBuyTerms } from './domain/group-buy.js';
import type { Orders, PlaceResult } from './orders.js';
import type { Payments } from './payments.js';

export interface Actor {
  userId: string;
  role: string;
}

export interface GroupBuyPlacement {
  groupBuyId: string;
  buyerId: string;
  idempotencyKey: string;
  qty: number;
  pickupPointId: string;
}

export interface CutoffPass {
  reminded: number;
  decided: { id: string; verdict: string }[];
  released: number;
  refunded: number;
  closedUnpaid: number;
}

const FAILED_REASON = 'group buy did not reach its minimum (未成团)';

export class GroupBuys {
  constructor(
    private readonly store: GroupBuyStore,
    private readonly orders: Orders,
    private readonly orderStore: OrderStore,
    private readonly payments: Payments,
    private readonly inventory: InventoryClient,
    private readonly logger: Logger,
    private readonly clock: () => number,
    private readonly remindBeforeMs: number,
  ) {}

  /** A leader opens a group buy for themself; an operator for the leader they name. */
  async open(actor: Actor, terms: GroupBuyTerms): Promise<GroupBuyRow> {
    requireLeaderOrAdmin(actor, terms.leaderId);
    const problems = groupBuyProblems(terms, this.clock());
    if (problems.length) throw new DomainError('INVALID_ARGUMENT', problems[0]!, { problems });
    const id = randomUUID();
    // The pool first: it checks the SKU is the leader's, the price and the warehouse's free stock
    // (and allocates the stock cap). A pool left without its group buy (a crash between the two)
    // takes no orders: placements into it are refused without the group buy (see Orders.place).
    const pool = await this.inventory.createPool({
      skuId: terms.skuId,
      warehouseId: terms.warehouseId,
      leaderId: terms.leaderId,
      liveSessionId: groupBuyPoolMark(id),
      salePriceFen: terms.priceFen,
      quantity: terms.stockCap,
      perBuyerLimit: terms.perBuyerLimit,
      startsAtMs: terms.startsAtMs,
      endsAtMs: terms.cutoffAtMs,
      holdSeconds: terms.holdSeconds,
    });
    await this.store.insert({ ...terms, id, flashSaleId: pool.id });
    this.logger.info({ groupBuyId: id, leaderId: terms.leaderId, flashSaleId: pool.id }, 'group buy opened');
    return (await this.store.byId(id))!;
  }

  list(actor: Actor, leaderId: string, limit: number): Promise<GroupBuyRow[]> {
    requireLeaderOrAdmin(actor, leaderId);
    return this.store.ofLeader(leaderId, Math.min(Math.max(limit || 50, 1), 200));
  }

  /** Anyone may see a group buy's progress (the share page shows it to buyers). */
  async get(id: string): Promise<GroupBuyRow> {
    const g = await this.store.byId(id);
    if (!g) throw new DomainError('NOT_FOUND', `no group buy ${id}`);
    return g;
  }

  async placeOrder(req: GroupBuyPlacement): Promise<PlaceResult> {
    const g = await this.get(req.groupBuyId);
    const placement = {
      buyerId: req.buyerId,
      idempotencyKey: req.idempotencyKey,
      flashSaleId: g.flashSaleId,
      qty: req.qty,
      liveSessionId: '',
      // The leader who opened it is the buyer's candidate leader (a binding already made wins).
      leaderId: g.leaderId,
      skuId: '',
      pickupPointId: req.pickupPointId,
      groupBuyId: g.id,
      // The opener is credited through leaderId above; a share link adds nothing here.
      shareToken: '',
    };
    const refusal = placementRefusal(g, this.clock());
    if (refusal) {
      // A retry of a placement made while it was open still gets its order.
      const placed = await this.orders.findPlaced(placement);
      return placed ? { outcome: 'PLACED', order: placed, replayed: true } : { outcome: refusal };
    }
    return this.orders.place(placement);
  }

  /** One pass of the cut-off job at the clock's now: reminders, decisions, then the orders. */
  async runDue(): Promise<CutoffPass> {
    const nowMs = this.clock();
    const pass: CutoffPass = { reminded: await this.store.remind(nowMs, this.remindBeforeMs), decided: [], released: 0, refunded: 0, closedUnpaid: 0 };
    for (const id of await this.store.dueForDecision(nowMs)) {
      const decided = await this.store.decide(id, nowMs);
      if (!decided) continue;
      pass.decided.push({ id, verdict: decided.verdict });
      this.logger.info({ groupBuyId: id, verdict: decided.verdict, joinedQty: decided.group.joinedQty, minQty: decided.group.minQty }, 'group buy decided at its cut-off');
      // No new holds once decided (the pool's own end is the cut-off by real time; this is the clock's).
      await this.inventory.endPool(decided.group.flashSaleId);
    }
    for (const g of await this.store.unfinished()) await this.finish(g, nowMs, pass);
    return pass;
  }

  /** Deals with each order of a decided group buy once; finished when none is left. */
  private async finish(g: GroupBuyRow, nowMs: number, pass: CutoffPass): Promise<void> {
    for (const orderId of await this.store.outstandingOrders(g)) {
      const order = await this.orderStore.byId(orderId);
      if (!order) continue;
      try {
        if (order.status === 'PENDING_PAYMENT') {
          // Unpaid at the decision: the units go back. A payment that confirmed the hold first is
          // being applied; the next pass finds the order paid and releases or refunds it.
          if (await this.orders.expire(order, `group buy ${g.status === 'FAILED' ? 'failed' : 'closed'} at its cut-off before payment`)) pass.closedUnpaid++;
        } else if (g.status === 'SUCCEEDED') {
          if (await this.store.release(order, nowMs)) pass.released++;
        } else {
          // One refund per order whoever asks (the cause is unique): a twin replica is refused.
          await this.payments.refundPaidOrder(order, FAILED_REASON, `group-buy-failed:${order.id}`);
          pass.refunded++;
        }
      } catch (err) {
        if (isDomainError(err) && err.code === 'INVALID_STATE') continue;
        this.logger.warn({ err: (err as Error).message, groupBuyId: g.id, orderId }, 'group buy order left for the next pass');
      }
    }
    await this.store.finishIfDone(g);
  }
}

function requireLeaderOrAdmin(actor: Actor, leaderId: string): void {
  if (actor.role === 'admin') return;
  if (actor.role === 'leader' && actor.userId === leaderId) return;
  throw new DomainError('FORBIDDEN', actor.role === 'leader' ? `leaderId: a leader acts only on their own group buys, not ${leaderId}'s` : `role ${actor.role} may not do this`);
}
