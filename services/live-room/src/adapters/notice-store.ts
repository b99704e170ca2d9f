// Postgres access for the users' inboxes: recording a notice once per source event, pages of a
// user's notices, unread counts and marking read. Every query is scoped to one user.
import { randomUUID } from 'node:crypto';
import { DomainError, inTransaction, type Pool } from '@lc/kit';
import type { Notice } from '@lc/contracts';
import type { NoticeDraft } from '../domain/notice-rules.js';

interface Row {
  seq: string;
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  order_id: string | null;
  refund_fen: string | null;
  created_at: Date;
  read_at: Date | null;
}

const columns = 'seq, id, user_id, kind, title, body, order_id, refund_fen, created_at, read_at';

const toNotice = (r: Row): Notice => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  orderId: r.order_id ?? '',
  refundFen: r.refund_fen === null ? 0 : Number(r.refund_fen),
  pickupCode: '',
  pickupPointName: '',
  read: r.read_at !== null,
  createdAtMs: r.created_at.getTime(),
});

export class NoticeStore {
  constructor(private readonly pool: Pool) {}

  /** The notices newly recorded; a draft whose user already has its source event is skipped. */
  async record(drafts: NoticeDraft[]): Promise<Notice[]> {
    if (!drafts.length) return [];
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO notices (id, user_id, source_key, kind, title, body, order_id, refund_fen)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
       ON CONFLICT (user_id, source_key) DO NOTHING
       RETURNING ${columns}`,
      [
        drafts.map(() => randomUUID()),
        drafts.map((d) => d.userId),
        drafts.map((d) => d.sourceKey),
        drafts.map((d) => d.kind),
        drafts.map((d) => d.title),
        drafts.map((d) => d.body),
        drafts.map((d) => d.orderId ?? null),
        drafts.map((d) => d.refundFen ?? null),
      ],
    );
    return rows.map(toNotice);
  }

  /**
   * Notices of `kinds` that `channel` still owes, oldest first: no delivery recorded, or a claim
   * left 'sending' past the lease. Only notices younger than `maxAgeMs` (a text days late does more
   * harm than good) and, when given, at least `minAgeMs` old (the pod that recorded them is likely
   * still sending) or from `sources` (an event being handled again).
   */
  async owed(
    channel: string,
    kinds: readonly string[],
    opts: { leaseMs: number; maxAgeMs: number; minAgeMs?: number; sources?: { userId: string; sourceKey: string }[]; limit: number },
  ): Promise<Notice[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${columns.split(', ').map((c) => `n.${c}`).join(', ')} FROM notices n
         LEFT JOIN notice_deliveries d ON d.notice_id = n.id AND d.channel = $1
        WHERE n.kind = ANY($2::text[])
          AND n.created_at > now() - make_interval(secs => $4::double precision / 1000)
          AND ($5::double precision IS NULL OR n.created_at < now() - make_interval(secs => $5::double precision / 1000))
          AND ($6::text[] IS NULL OR (n.user_id, n.source_key) IN (SELECT * FROM unnest($6::text[], $7::text[])))
          AND (d.notice_id IS NULL OR (d.status = 'sending' AND d.updated_at < now() - make_interval(secs => $3::double precision / 1000)))
        ORDER BY n.created_at LIMIT $8`,
      [channel, kinds, opts.leaseMs, opts.maxAgeMs, opts.minAgeMs ?? null, opts.sources?.map((s) => s.userId) ?? null, opts.sources?.map((s) => s.sourceKey) ?? null, opts.limit],
    );
    return rows.map(toNotice);
  }

  /** Newest first, `limit` after the cursor (a `seq`); the cursor of the next page when there is one. */
  async page(userId: string, opts: { limit: number; beforeSeq?: string; unreadOnly: boolean }): Promise<{ notices: Notice[]; nextCursor: string }> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${columns} FROM notices
        WHERE user_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint) AND (NOT $3 OR read_at IS NULL)
        ORDER BY seq DESC LIMIT $4`,
      [userId, opts.beforeSeq ?? null, opts.unreadOnly, opts.limit + 1],
    );
    const more = rows.length > opts.limit;
    const page = rows.slice(0, opts.limit);
    return { notices: page.map(toNotice), nextCursor: more ? page.at(-1)!.seq : '' };
  }

  async unreadCount(userId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM notices WHERE user_id = $1 AND read_at IS NULL', [userId]);
    return rows[0]!.n;
  }

  /**
   * Marks the user's own notices read (already read ones stay as they were). An id that is not one
   * of theirs refuses the whole request, so nothing changes and nothing tells whose it is.
   */
  async markRead(userId: string, ids: string[]): Promise<number> {
    const wanted = [...new Set(ids)];
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM notices WHERE user_id = $1 AND id = ANY($2::uuid[])', [userId, wanted]);
      if (rows[0]!.n !== wanted.length) throw new DomainError('NOT_FOUND', 'ids: no such notification in your inbox');
      const { rowCount } = await client.query('UPDATE notices SET read_at = now() WHERE user_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL', [userId, wanted]);
      return rowCount ?? 0;
    });
  }

  async markAllRead(userId: string): Promise<number> {
    const { rowCount } = await this.pool.query('UPDATE notices SET read_at = now() WHERE user_id = $1 AND read_at IS NULL', [userId]);
    return rowCount ?? 0;
  }
}
