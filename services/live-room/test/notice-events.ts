// What the inbox tests share: order events as the order service publishes them, and waiting for
// the inbox consumers to have handled everything published so far.
import type { EventBus, Pool } from '@lc/kit';
import type { NoticeView, OrderEvent, OrderRefund, OrderStatusName } from '@lc/contracts';
import { poll } from '../../../test-support/poll.js';
import { NOTICE_CONSUMERS } from '../src/adapters/notice-consumer.js';

export const orderEvent = (orderId: string, buyerId: string, status: OrderStatusName, extra: Partial<OrderEvent & OrderRefund> = {}): OrderEvent & Partial<OrderRefund> => ({
  orderId, buyerId, leaderId: 'leader-1', liveSessionId: '', flashSaleId: '', skuId: 'sku-x', warehouseId: 'wh-1', qty: 1, totalFen: 2990,
  pickupPointId: 'pp-leader-1', status, atMs: Date.now(), ...extra,
});

/** Waits until every inbox consumer has handled (and acked) everything published so far. */
export async function settled(bus: EventBus): Promise<void> {
  const jsm = await bus.nc.jetstreamManager();
  for (const [durable, { stream }] of Object.entries(NOTICE_CONSUMERS)) {
    await poll(`${durable} to catch up`, async () => {
      const info = await jsm.consumers.info(bus.streamName(stream), `${bus.prefix}_${durable}`);
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    }, 30_000);
  }
}

/** The `channel` delivery record of the user's notice from `sourceKey` (undefined: none). */
export async function deliveryOf(pool: Pool, channel: string, userId: string, sourceKey: string) {
  const { rows } = await pool.query<{ status: string; detail: string | null }>(
    `SELECT d.status, d.detail FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.user_id = $1 AND n.source_key = $2 AND d.channel = $3`,
    [userId, sourceKey, channel],
  );
  return rows[0];
}

/** A real inbox row of `userId` (deliveries reference notices), recorded as the inbox does. */
export async function insertNotice(pool: Pool, id: string, userId: string, kind: string, sourceKey = `test:${id}`, orderId: string | null = null): Promise<void> {
  await pool.query(`INSERT INTO notices (id, user_id, source_key, kind, title, body, order_id) VALUES ($1, $2, $3, $4, 't', 'b', $5)`, [id, userId, sourceKey, kind, orderId]);
}

/** A notice as the inbox hands it to its channels. */
export const noticeView = (id: string, kind: NoticeView['kind'], extra: Partial<NoticeView> = {}): NoticeView => ({
  id, kind, title: 't', body: 'b', orderId: null, refundFen: null, pickupCode: null, pickupPointName: null, read: false, createdAt: new Date().toISOString(), ...extra,
});
