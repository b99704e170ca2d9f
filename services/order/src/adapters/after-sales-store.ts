// Postgres access for after-sales cases, their photos' metadata and answers, the SLA escalation
// pass and the admin report. Changes that publish an event take the transaction's client.
import { enqueueEvent, inTransaction, type Pool, type PoolClient } from '@lc/kit';
import type { AfterSalesEvent, AfterSalesKind, AfterSalesStatus } from '@lc/contracts';
import type { Sla } from '../domain/after-sales.js';

export interface CaseRow {
  id: string;
  orderId: string;
  buyerId: string;
  leaderId: string;
  warehouseId: string;
  kind: AfterSalesKind;
  text: string;
  status: AfterSalesStatus;
  openedBy: string;
  openedAtMs: number;
  respondByMs: number;
  resolveByMs: number;
  answeredAtMs: number;
  resolvedAtMs: number;
  refundId: string;
  refundFen: number;
  refundStatus: string;
  resolutionNote: string;
  escalations: Sla[];
  photos: { id: string; contentType: string; sizeBytes: number }[];
  messages: { authorId: string; authorRole: string; text: string; atMs: number }[];
}

export type NewCase = Pick<CaseRow, 'id' | 'orderId' | 'buyerId' | 'leaderId' | 'warehouseId' | 'kind' | 'text' | 'openedBy' | 'openedAtMs' | 'respondByMs' | 'resolveByMs'> & {
  /** What opened it, unique (a shortage: one case per order); none for a buyer's request. */
  source?: string;
  /** RESOLVED for a case settled as it opens (a shortage), so it never blocks the buyer's own. */
  status?: AfterSalesStatus;
};

const ms = (col: string) => `COALESCE((extract(epoch from c.${col}) * 1000)::bigint, 0) AS ${col}_ms`;
const SELECT = `SELECT c.*, ${['opened_at', 'respond_by', 'resolve_by', 'answered_at', 'resolved_at'].map(ms).join(', ')},
  COALESCE(r.status, '') AS refund_status FROM after_sales_cases c LEFT JOIN refunds r ON r.id = c.refund_id`;
const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export interface CaseFilter {
  buyerId?: string;
  leaderId?: string;
  warehouseId?: string;
  orderId?: string;
  status?: string;
  limit: number;
}

export class AfterSalesStore {
  constructor(private readonly pool: Pool) {}

  inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  /** Writes a case with its opening text as the first message; false when `source` already opened one. */
  static async insert(client: PoolClient, c: NewCase): Promise<boolean> {
    const { rowCount } = await client.query(
      `INSERT INTO after_sales_cases (id, order_id, buyer_id, leader_id, warehouse_id, kind, text, opened_by, source, opened_at, respond_by, resolve_by, status,
                                      resolved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, to_timestamp($10 / 1000.0), to_timestamp($11 / 1000.0), to_timestamp($12 / 1000.0), $13,
               CASE WHEN $13 = 'RESOLVED' THEN to_timestamp($10 / 1000.0) END)
       ON CONFLICT (source) DO NOTHING`,
      [c.id, c.orderId, c.buyerId, c.leaderId, c.warehouseId, c.kind, c.text, c.openedBy, c.source ?? null, c.openedAtMs, c.respondByMs, c.resolveByMs, c.status ?? 'OPEN'],
    );
    return rowCount === 1;
  }

  static async addPhoto(client: PoolClient, p: { id: string; caseId: string; contentType: string; sizeBytes: number; position: number }): Promise<void> {
    await client.query('INSERT INTO after_sales_photos (id, case_id, content_type, size_bytes, position) VALUES ($1, $2, $3, $4, $5)', [p.id, p.caseId, p.contentType, p.sizeBytes, p.position]);
  }

  static async addMessage(client: PoolClient, m: { caseId: string; authorId: string; authorRole: string; text: string; atMs: number }): Promise<void> {
    await client.query('INSERT INTO after_sales_messages (case_id, author_id, author_role, text, at) VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0))', [
      m.caseId,
      m.authorId,
      m.authorRole,
      m.text,
      m.atMs,
    ]);
  }

  /** The first answer moves OPEN to ANSWERED; later answers only add messages. */
  static async markAnswered(client: PoolClient, caseId: string, atMs: number): Promise<boolean> {
    const { rowCount } = await client.query(`UPDATE after_sales_cases SET status = 'ANSWERED', answered_at = to_timestamp($2 / 1000.0) WHERE id = $1 AND status = 'OPEN'`, [caseId, atMs]);
    return rowCount === 1;
  }

  /** Resolves the case with its refund (the caller holds the case's lock and checked its status). */
  static async markResolved(client: PoolClient, caseId: string, r: { refundId: string; refundFen: number; note: string; atMs: number }): Promise<void> {
    await client.query(
      `UPDATE after_sales_cases SET status = 'RESOLVED', resolved_at = to_timestamp($5 / 1000.0), refund_id = NULLIF($2, '')::uuid, refund_fen = $3, resolution_note = $4
       WHERE id = $1`,
      [caseId, r.refundId, r.refundFen, r.note, r.atMs],
    );
  }

  /** Locks the case row for a change; undefined when there is none. */
  static async lock(client: PoolClient, caseId: string): Promise<{ status: AfterSalesStatus } | undefined> {
    const { rows } = await client.query('SELECT status FROM after_sales_cases WHERE id = $1 FOR UPDATE', [caseId]);
    return rows[0] ? { status: rows[0].status } : undefined;
  }

  static async publish(client: PoolClient, subject: 'opened' | 'answered' | 'resolved' | 'escalated', event: AfterSalesEvent, msgSuffix = ''): Promise<void> {
    await enqueueEvent(client, `order.after_sales.${subject}`, event, `after-sales:${event.caseId}:${subject}${msgSuffix}`);
  }

  async byId(caseId: string): Promise<CaseRow | undefined> {
    if (!isUuid(caseId)) return undefined;
    const { rows } = await this.pool.query(`${SELECT} WHERE c.id = $1`, [caseId]);
    return rows[0] ? this.withDetails(toCase(rows[0])) : undefined;
  }

  async bySource(source: string): Promise<CaseRow | undefined> {
    const { rows } = await this.pool.query(`${SELECT} WHERE c.source = $1`, [source]);
    return rows[0] ? this.withDetails(toCase(rows[0])) : undefined;
  }

  async unresolvedOf(orderId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query(`SELECT id FROM after_sales_cases WHERE order_id = $1 AND status <> 'RESOLVED'`, [orderId]);
    return rows[0]?.id;
  }

  async list(f: CaseFilter): Promise<CaseRow[]> {
    const { rows } = await this.pool.query(
      `${SELECT} WHERE ($1::text IS NULL OR c.buyer_id = $1) AND ($2::text IS NULL OR c.leader_id = $2) AND ($3::text IS NULL OR c.warehouse_id = $3)
         AND ($4::uuid IS NULL OR c.order_id = $4) AND ($5::text IS NULL OR c.status = $5)
       ORDER BY (c.status = 'RESOLVED'), c.opened_at DESC LIMIT $6`,
      [f.buyerId ?? null, f.leaderId ?? null, f.warehouseId ?? null, f.orderId ?? null, f.status ?? null, f.limit],
    );
    return Promise.all(rows.map((r) => this.withDetails(toCase(r))));
  }

  async photoOf(caseId: string, photoId: string): Promise<{ contentType: string } | undefined> {
    if (!isUuid(photoId)) return undefined;
    const { rows } = await this.pool.query('SELECT content_type FROM after_sales_photos WHERE id = $1 AND case_id = $2', [photoId, caseId]);
    return rows[0] ? { contentType: rows[0].content_type } : undefined;
  }

  /**
   * Flags every case past a deadline at `nowMs` that was not flagged yet, with its escalation
   * event, in one transaction per pass. Replicas running the pass together skip each other's
   * locked rows and the flag is set once, so each missed SLA is escalated exactly once.
   */
  async escalateOverdue(nowMs: number, limit = 100): Promise<{ caseId: string; sla: Sla }[]> {
    return this.inTransaction(async (client) => {
      const escalated: { caseId: string; sla: Sla }[] = [];
      const passes: { sla: Sla; column: string; due: string; open: string }[] = [
        { sla: 'RESPONSE', column: 'response_escalated_at', due: 'respond_by', open: `status = 'OPEN'` },
        { sla: 'RESOLUTION', column: 'resolution_escalated_at', due: 'resolve_by', open: `status <> 'RESOLVED'` },
      ];
      for (const p of passes) {
        const { rows } = await client.query(
          `UPDATE after_sales_cases SET ${p.column} = to_timestamp($1 / 1000.0) WHERE id IN (
             SELECT id FROM after_sales_cases WHERE ${p.open} AND ${p.column} IS NULL AND ${p.due} < to_timestamp($1 / 1000.0)
             ORDER BY ${p.due} LIMIT $2 FOR UPDATE SKIP LOCKED)
           RETURNING id, order_id, buyer_id, leader_id, status`,
          [nowMs, limit],
        );
        for (const r of rows) {
          await AfterSalesStore.publish(client, 'escalated', { caseId: r.id, orderId: r.order_id, buyerId: r.buyer_id, leaderId: r.leader_id, status: r.status, overdue: p.sla, atMs: nowMs }, `:${p.sla}`);
          escalated.push({ caseId: r.id, sla: p.sla });
        }
      }
      return escalated;
    });
  }

  /** Counts by status, what is overdue at `nowMs`, and how many were ever escalated. */
  async report(nowMs: number, limit: number): Promise<{ counts: Record<string, number>; overdue: CaseRow[] }> {
    const { rows } = await this.pool.query(
      `SELECT
         COUNT(*) FILTER (WHERE status = 'OPEN') AS open,
         COUNT(*) FILTER (WHERE status = 'ANSWERED') AS answered,
         COUNT(*) FILTER (WHERE status = 'RESOLVED') AS resolved,
         COUNT(*) FILTER (WHERE status = 'OPEN' AND respond_by < to_timestamp($1 / 1000.0)) AS response_overdue,
         COUNT(*) FILTER (WHERE status <> 'RESOLVED' AND resolve_by < to_timestamp($1 / 1000.0)) AS resolution_overdue,
         COUNT(*) FILTER (WHERE response_escalated_at IS NOT NULL OR resolution_escalated_at IS NOT NULL) AS escalated
       FROM after_sales_cases`,
      [nowMs],
    );
    const { rows: late } = await this.pool.query(
      `${SELECT} WHERE c.status <> 'RESOLVED' AND (c.resolve_by < to_timestamp($1 / 1000.0) OR (c.status = 'OPEN' AND c.respond_by < to_timestamp($1 / 1000.0)))
       ORDER BY c.respond_by LIMIT $2`,
      [nowMs, limit],
    );
    const counts = Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
    return { counts, overdue: await Promise.all(late.map((r) => this.withDetails(toCase(r)))) };
  }

  private async withDetails(c: CaseRow): Promise<CaseRow> {
    const [photos, messages] = await Promise.all([
      this.pool.query('SELECT id, content_type, size_bytes FROM after_sales_photos WHERE case_id = $1 ORDER BY position', [c.id]),
      this.pool.query('SELECT author_id, author_role, text, (extract(epoch from at) * 1000)::bigint AS at_ms FROM after_sales_messages WHERE case_id = $1 ORDER BY seq', [c.id]),
    ]);
    return {
      ...c,
      photos: photos.rows.map((p) => ({ id: p.id, contentType: p.content_type, sizeBytes: p.size_bytes })),
      messages: messages.rows.map((m) => ({ authorId: m.author_id, authorRole: m.author_role, text: m.text, atMs: Number(m.at_ms) })),
    };
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toCase(r: any): CaseRow {
  const escalations: Sla[] = [];
  if (r.response_escalated_at) escalations.push('RESPONSE');
  if (r.resolution_escalated_at) escalations.push('RESOLUTION');
  return {
    id: r.id,
    orderId: r.order_id,
    buyerId: r.buyer_id,
    leaderId: r.leader_id,
    warehouseId: r.warehouse_id,
    kind: r.kind,
    text: r.text,
    status: r.status,
    openedBy: r.opened_by,
    openedAtMs: Number(r.opened_at_ms),
    respondByMs: Number(r.respond_by_ms),
    resolveByMs: Number(r.resolve_by_ms),
    answeredAtMs: Number(r.answered_at_ms),
    resolvedAtMs: Number(r.resolved_at_ms),
    refundId: r.refund_id ?? '',
    refundFen: Number(r.refund_fen),
    refundStatus: r.refund_status,
    resolutionNote: r.resolution_note,
    escalations,
    photos: [],
    messages: [],
  };
}
