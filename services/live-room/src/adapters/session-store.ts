// Live sessions in Postgres, the system of record for status, pin and the room's active sale.
import { randomUUID } from 'node:crypto';
import type { Pool } from '@lc/kit';
import type { LiveSession, Pin, SessionStatus } from '../domain/live-session.js';

interface Row {
  id: string;
  leader_id: string;
  title: string;
  status: SessionStatus;
  scheduled_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  pin: Pin | null;
  active_flash_sale_id: string | null;
}

const toSession = (r: Row): LiveSession => ({
  id: r.id,
  leaderId: r.leader_id,
  title: r.title,
  status: r.status,
  scheduledAtMs: r.scheduled_at.getTime(),
  startedAtMs: r.started_at?.getTime() ?? null,
  endedAtMs: r.ended_at?.getTime() ?? null,
  pin: r.pin,
  activeFlashSaleId: r.active_flash_sale_id,
});

const columns = 'id, leader_id, title, status, scheduled_at, started_at, ended_at, pin, active_flash_sale_id';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SessionStore {
  constructor(private readonly pool: Pool) {}

  async create(input: { leaderId: string; title: string; scheduledAtMs: number }): Promise<LiveSession> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO live_sessions (id, leader_id, title, status, scheduled_at) VALUES ($1, $2, $3, 'SCHEDULED', $4) RETURNING ${columns}`,
      [randomUUID(), input.leaderId, input.title, new Date(input.scheduledAtMs)],
    );
    return toSession(rows[0]!);
  }

  async get(id: string): Promise<LiveSession | undefined> {
    if (!uuidPattern.test(id)) return undefined;
    const { rows } = await this.pool.query<Row>(`SELECT ${columns} FROM live_sessions WHERE id = $1`, [id]);
    return rows[0] ? toSession(rows[0]) : undefined;
  }

  async list(filter: { leaderId?: string; statuses: SessionStatus[]; limit: number }): Promise<LiveSession[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${columns} FROM live_sessions
        WHERE status = ANY($1) AND ($2::text IS NULL OR leader_id = $2)
        ORDER BY (status = 'LIVE') DESC, scheduled_at DESC LIMIT $3`,
      [filter.statuses, filter.leaderId ?? null, filter.limit],
    );
    return rows.map(toSession);
  }

  async saveStatus(s: LiveSession): Promise<void> {
    await this.pool.query(`UPDATE live_sessions SET status = $2, started_at = $3, ended_at = $4, active_flash_sale_id = $5 WHERE id = $1`, [
      s.id,
      s.status,
      s.startedAtMs === null ? null : new Date(s.startedAtMs),
      s.endedAtMs === null ? null : new Date(s.endedAtMs),
      s.activeFlashSaleId,
    ]);
  }

  async setPin(id: string, pin: Pin | null): Promise<void> {
    await this.pool.query(`UPDATE live_sessions SET pin = $2, pinned_sku_id = $3 WHERE id = $1`, [id, pin === null ? null : JSON.stringify(pin), pin?.skuId ?? null]);
  }

  async setActiveSale(id: string, flashSaleId: string | null): Promise<void> {
    await this.pool.query(`UPDATE live_sessions SET active_flash_sale_id = $2 WHERE id = $1`, [id, flashSaleId]);
  }
}
