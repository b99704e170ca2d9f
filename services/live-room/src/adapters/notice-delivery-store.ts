// Postgres record of notices sent through paid channels: a claim before sending (the unique key
// makes it at most once over redeliveries and pods), then the outcome.
import type { Pool } from '@lc/kit';

export type DeliveryOutcome = 'sent' | 'failed' | 'skipped';

export class NoticeDeliveryStore {
  constructor(private readonly pool: Pool) {}

  /** True when this call took the (notice, channel) delivery; false when someone already had. */
  async claim(noticeId: string, channel: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`INSERT INTO notice_deliveries (notice_id, channel, status) VALUES ($1, $2, 'sending') ON CONFLICT DO NOTHING`, [noticeId, channel]);
    return rowCount === 1;
  }

  async finish(noticeId: string, channel: string, status: DeliveryOutcome, detail?: string): Promise<void> {
    await this.pool.query('UPDATE notice_deliveries SET status = $3, detail = $4, updated_at = now() WHERE notice_id = $1 AND channel = $2', [noticeId, channel, status, detail ?? null]);
  }

  async statusOf(noticeId: string, channel: string): Promise<{ status: string; detail: string | null } | undefined> {
    const { rows } = await this.pool.query<{ status: string; detail: string | null }>('SELECT status, detail FROM notice_deliveries WHERE notice_id = $1 AND channel = $2', [noticeId, channel]);
    return rows[0];
  }
}
