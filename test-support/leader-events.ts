// For tests of the leader service fed by hand: order events published as the order service
// publishes them (Shanghai local times), and waiting until its consumer has taken them all.
import { EventBus, createLogger } from '@lc/kit';
import type { OrderEvent, OrderRefund, OrderStatusName } from '@lc/contracts';
import { NATS_URL, type Isolation } from './isolation.js';
import { poll } from './poll.js';

const SHANGHAI_OFFSET_MS = 8 * 3600_000; // no daylight saving
/** The instant of local time hh:mm on `date` in Asia/Shanghai. */
export const shanghai = (date: string, hh: number, mm = 0) => Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS + (hh * 60 + mm) * 60_000;
/** The Shanghai local date of an instant. */
export const shanghaiDate = (ms: number) => new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

export interface EventOrder {
  orderId: string;
  buyerId: string;
  leaderId: string;
  skuId: string;
  qty: number;
  totalFen: number;
}

export class OrderEvents {
  /** Everything published, for replays. */
  readonly sent: { subject: string; payload: OrderEvent & Partial<OrderRefund>; msgId: string }[] = [];

  private constructor(
    readonly bus: EventBus,
    private readonly iso: Isolation,
  ) {}

  static async connect(iso: Isolation): Promise<OrderEvents> {
    return new OrderEvents(await EventBus.connect(NATS_URL, iso.id, createLogger('test', 'silent'), 'test'), iso);
  }

  async publish(subject: string, o: EventOrder, status: OrderStatusName, atMs: number, msgId: string, extra: Partial<OrderRefund> = {}): Promise<void> {
    const payload: OrderEvent & Partial<OrderRefund> = {
      orderId: o.orderId, buyerId: o.buyerId, leaderId: o.leaderId, liveSessionId: '', flashSaleId: '', skuId: o.skuId, warehouseId: 'wh-1',
      qty: o.qty, totalFen: o.totalFen, pickupPointId: `pp-${o.leaderId}`, status, atMs, ...extra,
    };
    this.sent.push({ subject, payload, msgId });
    await this.bus.publish(subject, payload, msgId);
  }

  /** Publishes everything sent so far again under new message ids (so the stream takes it). */
  async replay(round: string): Promise<void> {
    for (const e of this.sent) await this.bus.publish(e.subject, e.payload, `${e.msgId}:replay-${round}`);
  }

  /** Waits until the leader service's order consumer has nothing pending or unacknowledged. */
  async drained(): Promise<void> {
    const jsm = await this.bus.nc.jetstreamManager();
    await poll('the leader consumer to catch up', async () => {
      const info = await jsm.consumers.info(this.bus.streamName('ORDER'), `${this.iso.id}_leader-orders`);
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    }, 60_000);
  }

  close(): Promise<void> {
    return this.bus.drain();
  }
}
