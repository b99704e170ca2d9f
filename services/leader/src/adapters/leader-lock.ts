// One lock per leader's money (settlement and withdrawals), held to the end of the transaction,
// shared by every replica through Postgres. Keyed by schema too, so isolated tests do not meet.
import type { Db } from './db.js';

const KEY = `hashtext(current_schema() || ':leader-money:' || $1)`;

export async function lockLeaderMoney(db: Db, leaderId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(${KEY})`, [leaderId]);
}

/** The lock if free now; false when another replica is working on this leader. */
export async function tryLockLeaderMoney(db: Db, leaderId: string): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${KEY}) AS ok`, [leaderId]);
  return rows[0]!.ok;
}
