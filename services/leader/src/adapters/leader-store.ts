// Postgres access for leaders: who they are and their zone.
import type { Db } from './db.js';

export interface LeaderRow {
  id: string;
  name: string;
  zone: string;
  joinedAtMs: number;
}

const SELECT = `SELECT id, name, zone, (extract(epoch from joined_at) * 1000)::bigint AS joined_ms FROM leaders`;

const toLeader = (r: { id: string; name: string; zone: string; joined_ms: string }): LeaderRow => ({
  id: r.id,
  name: r.name,
  zone: r.zone,
  joinedAtMs: Number(r.joined_ms),
});

export class LeaderStore {
  constructor(private readonly db: Db) {}

  async byId(id: string, db: Db = this.db): Promise<LeaderRow | undefined> {
    const { rows } = await db.query(`${SELECT} WHERE id = $1`, [id]);
    return rows[0] ? toLeader(rows[0]) : undefined;
  }

  async all(db: Db = this.db): Promise<LeaderRow[]> {
    const { rows } = await db.query(`${SELECT} ORDER BY id`);
    return rows.map(toLeader);
  }

  /** The leader, recorded first (joined at `joinedAtMs`, in `zone`) if this is the first sight of them. */
  async ensure(id: string, zone: string, joinedAtMs: number, db: Db = this.db): Promise<LeaderRow> {
    await db.query(`INSERT INTO leaders (id, zone, joined_at) VALUES ($1, $2, to_timestamp($3 / 1000.0)) ON CONFLICT (id) DO NOTHING`, [id, zone, joinedAtMs]);
    return (await this.byId(id, db))!;
  }

  async upsert(leader: LeaderRow, db: Db = this.db): Promise<LeaderRow> {
    await db.query(
      `INSERT INTO leaders (id, name, zone, joined_at) VALUES ($1, $2, $3, to_timestamp($4 / 1000.0))
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, zone = EXCLUDED.zone`,
      [leader.id, leader.name, leader.zone, leader.joinedAtMs],
    );
    return (await this.byId(leader.id, db))!;
  }
}
