// Delivery-day waves: paid orders join the open wave of their warehouse for the day the cut-off
// gives; cancellations and refunds before packing take them out; closing a wave bags every order
// per pickup point with a label and a pickup code; packing a bag publishes fulfillment.packed.
import { randomUUID } from 'node:crypto';
import { DomainError, enqueueEvent, inTransaction, type Logger, type Pool, type PoolClient } from '@lc/kit';
import type { BagStore } from './adapters/bag-store.js';
import type { DeliveryStore } from './adapters/delivery-store.js';
import type { WarehouseStore } from './adapters/warehouse-store.js';
import type { OrderToBag, WaveStore } from './adapters/wave-store.js';
import { isUuid } from './domain/ids.js';
import { addDays, isLocalDate, type Bag, type DeferredEvent, type PackedEvent, type PickupPoint, type Wave } from '@lc/contracts';
import { cutoffInstant, deliveryDateFor } from './domain/local-time.js';
import { bagLabel, buildPickLists, pickListsCsv, pickListsHtml, type PickList, type SkuNames } from './domain/pick-list.js';
import { derivePickupCode, pickupCodeHash } from './domain/pickup-code.js';
import { FULFILLMENT_EVENTS, fulfillmentMsgId, type OrderEvent } from './events.js';

export interface WaveStores {
  waves: WaveStore;
  bags: BagStore;
  warehouses: WarehouseStore;
  deliveries: DeliveryStore;
}

export class Waves {
  private readonly store: WaveStore;
  private readonly bags: BagStore;
  private readonly warehouses: WarehouseStore;

  constructor(
    private readonly pool: Pool,
    stores: WaveStores,
    private readonly codeSecret: string,
    private readonly logger: Logger,
  ) {
    this.store = stores.waves;
    this.bags = stores.bags;
    this.warehouses = stores.warehouses;
  }

  /** order.paid: idempotent by order id (the wave_orders primary key). */
  async orderPaid(e: OrderEvent): Promise<void> {
    await inTransaction(this.pool, (client) => this.join(client, e));
  }

  /** order.cancelled / order.refunded: out of the wave unless its bag is already packed. */
  async orderWithdrawn(e: OrderEvent, reason: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const slot = await this.store.slotOf(client, e.orderId);
      const bagCancelled = await this.bags.cancelOfOrder(client, e.orderId);
      const removed = await this.store.removeOrder(client, e, reason, bagCancelled);
      if (!removed) this.logger.warn({ orderId: e.orderId, reason }, 'order withdrawn after packing; left in its wave');
      // Its parcel no longer goes: the point can take another that day.
      else if (slot && (slot.status === 'IN_WAVE' || slot.status === 'BAGGED')) await this.store.releasePointSlot(client, slot.waveId, slot.pickupPointId);
    });
  }

  /** Orders that arrived before their warehouse existed join its waves once it does. */
  async adoptWaiting(warehouseId: string): Promise<void> {
    for (const e of await this.store.waiting(warehouseId)) {
      await inTransaction(this.pool, async (client) => {
        // Another pod adopting the same order got there first: nothing left to do.
        if (!(await this.store.takeWaiting(client, e.orderId))) return;
        await this.join(client, e);
      });
    }
  }

  /**
   * Waiting orders whose warehouse exists by now: left behind when the pod that created the
   * warehouse died while adopting them, or when an order.paid raced the warehouse's creation.
   */
  async adoptOrphans(): Promise<number> {
    const warehouseIds = await this.store.warehousesWithWaiting();
    for (const id of warehouseIds) await this.adoptWaiting(id);
    return warehouseIds.length;
  }

  private async join(client: PoolClient, e: OrderEvent): Promise<void> {
    // Seen before (a redelivery, or withdrawn first): nothing to do, not even a new wave.
    if (await this.store.knowsOrder(client, e.orderId)) return;
    const clock = await this.warehouses.clock(client, e.warehouseId);
    if (!clock) {
      this.logger.warn({ orderId: e.orderId, warehouseId: e.warehouseId }, 'paid order for an unknown warehouse kept waiting');
      await this.store.addOrder(client, e, undefined, 'NO_WAREHOUSE');
      return;
    }
    const point = e.pickupPointId
      ? await this.warehouses.pickupPoint({ id: e.pickupPointId })
      : await this.warehouses.pickupPoint({ leaderId: e.leaderId });
    // A wave closed early (on demand) passes its late orders on to the next day, and so does a
    // pickup point that has taken its daily capacity: the parcel goes out on the first day with room.
    let date = deliveryDateFor(e.atMs, clock.timeZone, clock.cutoff);
    let waveId: string | undefined;
    let fullOn: string | undefined;
    for (let i = 0; i < 60 && !waveId; i++, date = addDays(date, 1)) {
      const wave = await this.store.ensure(client, e.warehouseId, date, cutoffInstant(date, clock.timeZone, clock.cutoff), 'FOR SHARE');
      if (wave.status !== 'OPEN') continue;
      if (!point || (await this.store.takePointSlot(client, wave.id, point.id, point.dailyCapacity))) waveId = wave.id;
      else fullOn ??= date;
    }
    const deliveryDate = addDays(date, -1);
    const deferredFrom = fullOn && waveId ? fullOn : undefined;
    await this.store.addOrder(client, e, waveId, 'IN_WAVE', { pickupPointId: point?.id ?? '', ...(deferredFrom ? { deferredFrom } : {}) });
    if (deferredFrom && point) await this.deferred(client, e, point, deferredFrom, deliveryDate);
  }

  /** The buyer (through the inbox, which consumes the event) learns their parcel goes out on a later day. */
  private async deferred(client: PoolClient, e: OrderEvent, point: PickupPoint, fromDate: string, deliveryDate: string): Promise<void> {
    this.logger.info({ orderId: e.orderId, pickupPointId: point.id, fromDate, deliveryDate }, 'pickup point full: order joins a later wave');
    const event: DeferredEvent = { orderId: e.orderId, buyerId: e.buyerId, pickupPointId: point.id, fromDate, deliveryDate, atMs: e.atMs };
    await enqueueEvent(client, FULFILLMENT_EVENTS.deferred, event, fulfillmentMsgId(e.orderId, 'DEFERRED'));
  }

  list(warehouseId: string): Promise<Wave[]> {
    return this.store.list(warehouseId);
  }

  async get(waveId: string): Promise<Wave> {
    const wave = isUuid(waveId) ? await this.store.byId(waveId) : undefined;
    if (!wave) throw new DomainError('NOT_FOUND', `waveId: no wave ${waveId}`);
    return wave;
  }

  /** Closes the wave (idempotent) and bags its orders per pickup point. */
  async close(warehouseId: string, deliveryDate: string): Promise<Wave> {
    if (!isLocalDate(deliveryDate)) throw new DomainError('INVALID_ARGUMENT', `deliveryDate: must be a date YYYY-MM-DD, got ${JSON.stringify(deliveryDate)}`);
    const waveId = await inTransaction(this.pool, async (client) => {
      const clock = await this.warehouses.clock(client, warehouseId);
      if (!clock) throw new DomainError('NOT_FOUND', `warehouseId: no warehouse ${warehouseId}`);
      const wave = await this.store.ensure(client, warehouseId, deliveryDate, cutoffInstant(deliveryDate, clock.timeZone, clock.cutoff), 'FOR UPDATE');
      if (wave.status !== 'OPEN') return wave.id;
      const counters = new Map<string, number>();
      for (const o of await this.store.ordersToBag(client, wave.id)) {
        if (!o.pickupPointId) {
          await this.store.markOrder(client, o.orderId, 'UNASSIGNED');
          continue;
        }
        const n = (counters.get(o.pickupPointId) ?? 0) + 1;
        counters.set(o.pickupPointId, n);
        await this.insertBag(client, { waveId: wave.id, deliveryDate, pickupPointId: o.pickupPointId, n, order: o });
        await this.store.markOrder(client, o.orderId, 'BAGGED');
      }
      await this.store.markClosed(client, wave.id);
      return wave.id;
    });
    return this.get(waveId);
  }

  /** Waves whose cut-off has passed close by themselves. */
  async closeDue(): Promise<number> {
    const due = await this.store.due();
    for (const w of due) await this.close(w.warehouseId, w.deliveryDate);
    return due.length;
  }

  private async insertBag(client: PoolClient, b: { waveId: string; deliveryDate: string; pickupPointId: string; n: number; order: OrderToBag }) {
    const id = randomUUID();
    // A code is unique per pickup point and day, and never shared with a parcel still waiting there.
    for (let nonce = 0; ; nonce++) {
      const hash = pickupCodeHash(this.codeSecret, b.pickupPointId, derivePickupCode(this.codeSecret, id, nonce));
      if (await this.bags.codeTaken(client, b.pickupPointId, hash, b.deliveryDate)) continue;
      await this.bags.insert(client, {
        id,
        orderId: b.order.orderId,
        waveId: b.waveId,
        pickupPointId: b.pickupPointId,
        deliveryDate: b.deliveryDate,
        buyerId: b.order.buyerId,
        skuId: b.order.skuId,
        qty: b.order.qty,
        label: bagLabel(b.deliveryDate, b.pickupPointId, b.n),
        codeNonce: nonce,
        codeHash: hash,
      });
      return;
    }
  }

  async pickLists(waveId: string): Promise<{ wave: Wave; pickLists: PickList<Bag>[]; unassignedOrderIds: string[] }> {
    const wave = await this.get(waveId);
    const bags = await this.bags.ofWave(waveId);
    const points = await this.warehouses.pickupPointsOfWave(waveId);
    const unassignedOrderIds = await this.store.unassignedOrderIds(waveId);
    const pickLists = buildPickLists(points.map((p) => ({ id: p.id, name: p.name, leaderId: p.leaderId, address: p.address })), bags);
    return { wave, pickLists, unassignedOrderIds };
  }

  /** Bags carry SKU ids only (order events name no product): the caller brings the names. */
  async render(waveId: string, format: string, names: SkuNames = {}): Promise<{ contentType: string; body: string }> {
    if (format !== 'csv' && format !== 'html') throw new DomainError('INVALID_ARGUMENT', 'format: must be csv or html');
    const { wave, pickLists } = await this.pickLists(waveId);
    return format === 'csv'
      ? { contentType: 'text/csv; charset=utf-8', body: pickListsCsv(pickLists, names) }
      : { contentType: 'text/html; charset=utf-8', body: pickListsHtml(wave, pickLists, names) };
  }

  /** Marks a bag packed once; packing it again answers the bag as it is and publishes nothing. */
  async pack(bagId: string): Promise<Bag> {
    if (!isUuid(bagId)) throw new DomainError('NOT_FOUND', `bagId: no bag ${bagId}`);
    await inTransaction(this.pool, async (client) => {
      const packed = await this.bags.pack(client, bagId);
      if (!packed) return;
      const event: PackedEvent = { orderId: packed.orderId, bagId, atMs: packed.atMs };
      await enqueueEvent(client, FULFILLMENT_EVENTS.packed, event, fulfillmentMsgId(packed.orderId, 'PACKED'));
    });
    const bag = await bagById(this.bags, bagId);
    if (bag.status === 'PENDING' || bag.status === 'CANCELLED') throw new DomainError('INVALID_STATE', `bag ${bagId} is ${bag.status} and cannot be packed`);
    return bag;
  }
}

export async function bagById(bags: BagStore, bagId: string): Promise<Bag> {
  const bag = await bags.byId(bagId);
  if (!bag) throw new DomainError('NOT_FOUND', `bagId: no bag ${bagId}`);
  return bag;
}
