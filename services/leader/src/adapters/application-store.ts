// Postgres access for leader applications.
import type { ApplicationForm, ApplicationStatus } from '../domain/application.js';
import type { Db } from './db.js';

export interface ApplicationRow {
  id: string;
  status: ApplicationStatus;
  form: ApplicationForm;
  submittedBy: string;
  submittedAtMs: number;
  decidedBy: string | null;
  decidedAtMs: number | null;
  reason: string;
  leaderId: string | null;
  pickupPointId: string | null;
  warehouseId: string | null;
}

const SELECT = `SELECT id, status, name, phone, community, address, lat, lng, zone, submitted_by, decided_by, reason, leader_id, pickup_point_id, warehouse_id,
  (extract(epoch from submitted_at) * 1000)::bigint AS submitted_ms, (extract(epoch from decided_at) * 1000)::bigint AS decided_ms FROM leader_applications`;

const toApplication = (r: Record<string, unknown>): ApplicationRow => ({
  id: r.id as string,
  status: r.status as ApplicationStatus,
  form: { name: r.name as string, phone: r.phone as string, community: r.community as string, address: r.address as string, lat: Number(r.lat), lng: Number(r.lng), zone: r.zone as string },
  submittedBy: r.submitted_by as string,
  submittedAtMs: Number(r.submitted_ms),
  decidedBy: (r.decided_by as string | null) ?? null,
  decidedAtMs: r.decided_ms === null ? null : Number(r.decided_ms),
  reason: r.reason as string,
  leaderId: (r.leader_id as string | null) ?? null,
  pickupPointId: (r.pickup_point_id as string | null) ?? null,
  warehouseId: (r.warehouse_id as string | null) ?? null,
});

/** Postgres' unique_violation: here, a second open application for a phone or leader. */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: string }).code === '23505';

export class ApplicationStore {
  constructor(private readonly db: Db) {}

  /** Inserts a pending application; a unique index refuses a second open one (see isUniqueViolation). */
  async insert(a: { id: string; form: ApplicationForm; submittedBy: string; submittedAtMs: number; leaderId: string | null }, db: Db = this.db): Promise<void> {
    const f = a.form;
    await db.query(
      `INSERT INTO leader_applications (id, status, name, phone, community, address, lat, lng, zone, submitted_by, submitted_at, leader_id)
       VALUES ($1, 'PENDING', $2, $3, $4, $5, $6, $7, $8, $9, to_timestamp($10 / 1000.0), $11)`,
      [a.id, f.name, f.phone, f.community, f.address, f.lat, f.lng, f.zone, a.submittedBy, a.submittedAtMs, a.leaderId],
    );
  }

  async byId(id: string, db: Db = this.db, lock = false): Promise<ApplicationRow | undefined> {
    const { rows } = await db.query(`${SELECT} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ? toApplication(rows[0]) : undefined;
  }

  /** The open (pending or approved) application holding this phone or leader id, if any. */
  async openHolding(phone: string, leaderId: string | null, db: Db = this.db): Promise<ApplicationRow | undefined> {
    const { rows } = await db.query(`${SELECT} WHERE status IN ('PENDING', 'APPROVED') AND (phone = $1 OR leader_id = $2) ORDER BY phone = $1 DESC LIMIT 1`, [phone, leaderId]);
    return rows[0] ? toApplication(rows[0]) : undefined;
  }

  /** Pending ones oldest first (a queue); decided ones newest decision first. */
  async list(q: { status?: ApplicationStatus; submittedBy?: string; limit: number }, db: Db = this.db): Promise<ApplicationRow[]> {
    const { rows } = await db.query(
      `${SELECT} WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR submitted_by = $2)
       ORDER BY status = 'PENDING' DESC, CASE WHEN status = 'PENDING' THEN submitted_at END ASC, decided_at DESC, id LIMIT $3`,
      [q.status ?? null, q.submittedBy ?? null, q.limit],
    );
    return rows.map(toApplication);
  }

  async approve(id: string, d: { decidedBy: string; decidedAtMs: number; leaderId: string; pickupPointId: string; warehouseId: string }, db: Db = this.db): Promise<void> {
    await db.query(
      `UPDATE leader_applications SET status = 'APPROVED', decided_by = $2, decided_at = to_timestamp($3 / 1000.0), leader_id = $4, pickup_point_id = $5, warehouse_id = $6
       WHERE id = $1 AND status = 'PENDING'`,
      [id, d.decidedBy, d.decidedAtMs, d.leaderId, d.pickupPointId, d.warehouseId],
    );
  }

  async reject(id: string, d: { decidedBy: string; decidedAtMs: number; reason: string }, db: Db = this.db): Promise<void> {
    await db.query(
      `UPDATE leader_applications SET status = 'REJECTED', decided_by = $2, decided_at = to_timestamp($3 / 1000.0), reason = $4 WHERE id = $1 AND status = 'PENDING'`,
      [id, d.decidedBy, d.decidedAtMs, d.reason],
    );
  }
}
