// Postgres record of notices sent through paid channels: a claim before sending (the unique key
// makes it at most once over redeliveries and pods), then the outcome. The holder renews the claim
// while it sends; one still 'sending' and not renewed for a lease was left by a pod that died, and
// the next claim takes it over (one pod wins: the upsert's condition is checked against the row as
// the winner left it).
import type { Pool } from '@lc/kit';

export type DeliveryOutcome = 'sent' | 'failed' | 'skipped';

/** A held claim: the outcome is recorded only while this attempt is still the row's. */
export interface DeliveryClaim {
  noticeId: string;
  channel: string;
  attempt: number;
}

export class NoticeDeliveryStore {
  constructor(
    private readonly pool: Pool,
    /** How long a claim may stay 'sending' unrenewed before it counts as abandoned (see ClaimedNoticeChannel). */
    readonly leaseMs: number,
  ) {}

  /** The (notice, channel) delivery when this call took it; undefined when someone holds or ended it. */
  async claim(noticeId: string, channel: string): Promise<DeliveryClaim | undefined> {
    const { rows } = await this.pool.query<{ attempt: number }>(
      `INSERT INTO notice_deliveries (notice_id, channel, status) VALUES ($1, $2, 'sending')
       ON CONFLICT (notice_id, channel) DO UPDATE SET attempt = notice_deliveries.attempt + 1, updated_at = now()
         WHERE notice_deliveries.status = 'sending' AND notice_deliveries.updated_at < now() - make_interval(secs => $3::double precision / 1000)
       RETURNING attempt`,
      [noticeId, channel, this.leaseMs],
    );
    return rows[0] ? { noticeId, channel, attempt: rows[0].attempt } : undefined;
  }

  /** Renews a held claim's lease; false when it is no longer this attempt's. */
  async extend(claim: DeliveryClaim): Promise<boolean> {
    const { rowCount } = await this.pool.query(`UPDATE notice_deliveries SET updated_at = now() WHERE notice_id = $1 AND channel = $2 AND attempt = $3 AND status = 'sending'`, [
      claim.noticeId,
      claim.channel,
      claim.attempt,
    ]);
    return rowCount === 1;
  }

  async finish(claim: DeliveryClaim, status: DeliveryOutcome, detail?: string): Promise<void> {
    await this.pool.query('UPDATE notice_deliveries SET status = $4, detail = $5, updated_at = now() WHERE notice_id = $1 AND channel = $2 AND attempt = $3', [
      claim.noticeId,
      claim.channel,
      claim.attempt,
      status,
      detail ?? null,
    ]);
  }

  async statusOf(noticeId: string, channel: string): Promise<{ status: string; detail: string | null } | undefined> {
    const { rows } = await this.pool.query<{ status: string; detail: string | null }>('SELECT status, detail FROM notice_deliveries WHERE notice_id = $1 AND channel = $2', [noticeId, channel]);
    return rows[0];
  }
}
