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

  /**
   * Records the leaders not known yet (joined when first seen, in `zone`); returns every one's
   * zone, and which of them this call added (not committed until the caller's transaction is).
   */
  async ensureMany(leaders: { id: string; joinedAtMs: number }[], zone: string, db: Db = this.db): Promise<{ zones: Map<string, string>; added: Set<string> }> {
    const { rows } = await db.query<{ id: string; zone: string; added: boolean }>(
      `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, "joinedAtMs" bigint)),
       added AS (INSERT INTO leaders (id, zone, joined_at) SELECT id, $2, to_timestamp("joinedAtMs" / 1000.0) FROM input ORDER BY id
                 ON CONFLICT (id) DO NOTHING RETURNING id, zone)
       SELECT id, zone, true AS added FROM added UNION ALL SELECT l.id, l.zone, false FROM leaders l JOIN input USING (id)`,
      [JSON.stringify(leaders), zone],
    );
    const zones = new Map(rows.map((r) => [r.id, r.zone]));
    const added = new Set(rows.filter((r) => r.added).map((r) => r.id));
    // A leader another transaction added while this statement ran is invisible to its snapshot:
    // read those again, now committed.
    const late = leaders.filter((l) => !zones.has(l.id)).map((l) => l.id);
    if (late.length) {
      const again = await db.query<{ id: string; zone: string }>('SELECT id, zone FROM leaders WHERE id = ANY($1::text[])', [late]);
      for (const r of again.rows) zones.set(r.id, r.zone);
    }
    return { zones, added };
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
