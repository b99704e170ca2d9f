// SQL of the identity schema: users, sign-in codes, sessions and refresh tokens, the dev SMS inbox.
import { randomUUID } from 'node:crypto';
import { DomainError, inTransaction, type Pool, type PoolClient } from '@lc/kit';
import type { Role } from '../domain/users.js';
import type { StoredCode } from '../domain/sign-in-code.js';

export interface IdentityUser {
  id: string;
  phone: string | null;
  role: Role;
  name: string;
  warehouseId?: string;
  pickupPointId?: string;
  tokenGeneration: number;
}

export type UserSource = 'sign-up' | 'admin' | 'onboarding' | 'demo';

export interface NewUser {
  id: string;
  phone: string;
  role: Role;
  name: string;
  warehouseId?: string | undefined;
  pickupPointId?: string | undefined;
}

interface UserRow {
  id: string;
  phone: string | null;
  role: Role;
  name: string;
  warehouse_id: string | null;
  pickup_point_id: string | null;
  token_generation: number;
}

const userOf = (r: UserRow): IdentityUser => ({
  id: r.id,
  phone: r.phone,
  role: r.role,
  name: r.name,
  ...(r.warehouse_id ? { warehouseId: r.warehouse_id } : {}),
  ...(r.pickup_point_id ? { pickupPointId: r.pickup_point_id } : {}),
  tokenGeneration: r.token_generation,
});

export type RefreshOutcome =
  | { kind: 'rotated'; user: IdentityUser; sessionId: string }
  | { kind: 'unknown' | 'expired' | 'revoked' }
  | { kind: 'reused'; userId: string; sessionId: string };

export class IdentityStore {
  constructor(private readonly pool: Pool) {}

  async userById(id: string): Promise<IdentityUser | undefined> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] && userOf(rows[0]);
  }

  async userByPhone(phone: string): Promise<IdentityUser | undefined> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users WHERE phone = $1', [phone]);
    return rows[0] && userOf(rows[0]);
  }

  /** How to reach those of `ids` that have a phone or a linked WeChat (others are left out). */
  async contactsOf(ids: string[]): Promise<{ userId: string; phone: string; wechatOpenid: string }[]> {
    const { rows } = await this.pool.query<{ id: string; phone: string | null; openid: string | null }>(
      `SELECT COALESCE(u.id, w.user_id) AS id, u.phone, w.openid
         FROM (SELECT id, phone FROM users WHERE id = ANY($1::text[]) AND phone IS NOT NULL) u
         FULL JOIN (SELECT user_id, openid FROM wechat_links WHERE user_id = ANY($1::text[])) w ON w.user_id = u.id
        ORDER BY 1`,
      [ids],
    );
    return rows.map((r) => ({ userId: r.id, phone: r.phone ?? '', wechatOpenid: r.openid ?? '' }));
  }

  // --- WeChat links ---

  /** Links (or re-links) `userId` to `openid`; CONFLICT when that WeChat is another user's. */
  async linkWeChat(userId: string, openid: string): Promise<Date> {
    try {
      const { rows } = await this.pool.query<{ linked_at: Date }>(
        `INSERT INTO wechat_links (user_id, openid) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET openid = EXCLUDED.openid, linked_at = now() RETURNING linked_at`,
        [userId, openid],
      );
      return rows[0]!.linked_at;
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new DomainError('CONFLICT', 'this WeChat account is already linked to another account');
      throw err;
    }
  }

  async unlinkWeChat(userId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM wechat_links WHERE user_id = $1', [userId]);
    return rowCount === 1;
  }

  async weChatLinkOf(userId: string): Promise<{ linkedAt: Date } | undefined> {
    const { rows } = await this.pool.query<{ linked_at: Date }>('SELECT linked_at FROM wechat_links WHERE user_id = $1', [userId]);
    return rows[0] && { linkedAt: rows[0].linked_at };
  }

  /** The demo's people, with their phones; existing rows are left as they are. */
  async ensureUsers(users: NewUser[], source: UserSource): Promise<void> {
    for (const u of users) {
      await this.pool.query(
        `INSERT INTO users (id, phone, role, name, warehouse_id, pickup_point_id, source) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [u.id, u.phone, u.role, u.name, u.warehouseId ?? null, u.pickupPointId ?? null, source],
      );
    }
  }

  /** Creates a user; a taken id or phone is a CONFLICT naming which. */
  async createUser(u: NewUser, source: UserSource): Promise<IdentityUser> {
    try {
      const { rows } = await this.pool.query<UserRow>(
        `INSERT INTO users (id, phone, role, name, warehouse_id, pickup_point_id, source) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [u.id, u.phone, u.role, u.name, u.warehouseId ?? null, u.pickupPointId ?? null, source],
      );
      return userOf(rows[0]!);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') {
        const which = (e as { constraint?: string }).constraint === 'users_phone_key' ? 'phone: this phone already has a user' : `id: user ${u.id} exists`;
        throw new DomainError('CONFLICT', which);
      }
      throw e;
    }
  }

  /** A buyer for a phone nobody holds yet; a phone already held returns its user. */
  async signUpBuyer(phone: string): Promise<IdentityUser> {
    const id = `buyer-${randomUUID()}`;
    const { rows } = await this.pool.query<UserRow>(
      `INSERT INTO users (id, phone, role, name, source) VALUES ($1, $2, 'buyer', $3, 'sign-up')
       ON CONFLICT (phone) DO NOTHING RETURNING *`,
      [id, phone, `买家 ${phone.slice(-4)}`],
    );
    if (rows[0]) return userOf(rows[0]);
    return (await this.userByPhone(phone))!;
  }

  /**
   * An approved leader's user (id = leaderId). A buyer who held the phone hands it over (their
   * orders stay theirs; their sessions end); a phone held by staff, a driver or an admin is refused.
   * Returns whether anything changed, and the users whose sessions must end.
   */
  async upsertLeader(u: NewUser): Promise<{ changed: boolean; revokedUserIds: string[] }> {
    return inTransaction(this.pool, async (client) => {
      const holder = (await client.query<UserRow>('SELECT * FROM users WHERE phone = $1 FOR UPDATE', [u.phone])).rows[0];
      const revoked: string[] = [];
      if (holder && holder.id !== u.id) {
        if (holder.role !== 'buyer') throw new DomainError('CONFLICT', `phone: held by a ${holder.role}, not handed to leader ${u.id}`);
        await client.query('UPDATE users SET phone = NULL, token_generation = token_generation + 1 WHERE id = $1', [holder.id]);
        await this.revokeAllSessions(client, holder.id, 'phone moved to a leader');
        revoked.push(holder.id);
      }
      const existing = (await client.query<UserRow>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [u.id])).rows[0];
      if (!existing) {
        await client.query(
          `INSERT INTO users (id, phone, role, name, warehouse_id, pickup_point_id, source) VALUES ($1, $2, 'leader', $3, $4, $5, 'onboarding')`,
          [u.id, u.phone, u.name, u.warehouseId ?? null, u.pickupPointId ?? null],
        );
        return { changed: true, revokedUserIds: revoked };
      }
      if (existing.role === 'leader' && existing.phone === u.phone && existing.pickup_point_id === (u.pickupPointId ?? null)) return { changed: revoked.length > 0, revokedUserIds: revoked };
      if (existing.role !== 'leader' && existing.role !== 'buyer') throw new DomainError('CONFLICT', `id: user ${u.id} is a ${existing.role}`);
      // A role change must not ride on tokens issued for the old role.
      const bump = existing.role !== 'leader';
      await client.query(
        `UPDATE users SET role = 'leader', phone = $2, name = $3, warehouse_id = $4, pickup_point_id = $5, token_generation = token_generation + $6 WHERE id = $1`,
        [u.id, u.phone, u.name, u.warehouseId ?? null, u.pickupPointId ?? null, bump ? 1 : 0],
      );
      if (bump) {
        await this.revokeAllSessions(client, u.id, 'role changed');
        revoked.push(u.id);
      }
      return { changed: true, revokedUserIds: revoked };
    });
  }

  // --- sign-in codes ---

  async addCode(phone: string, codeHash: string, nowMs: number, ttlMs: number): Promise<void> {
    await this.pool.query('INSERT INTO sign_in_codes (phone, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
      phone,
      codeHash,
      new Date(nowMs),
      new Date(nowMs + ttlMs),
    ]);
  }

  /**
   * Counts one try at the phone's latest code and returns it with the try counted. Only the latest
   * code counts: asking for a new one retires the old.
   */
  async tryLatestCode(phone: string): Promise<StoredCode | undefined> {
    const { rows } = await this.pool.query<{ id: string; code_hash: string; expires_at: Date; attempts: number; consumed_at: Date | null }>(
      `UPDATE sign_in_codes SET attempts = attempts + 1
        WHERE id = (SELECT id FROM sign_in_codes WHERE phone = $1 ORDER BY id DESC LIMIT 1)
        RETURNING id, code_hash, expires_at, attempts, consumed_at`,
      [phone],
    );
    const r = rows[0];
    return r && { id: Number(r.id), codeHash: r.code_hash, expiresAtMs: r.expires_at.getTime(), attempts: r.attempts, consumed: r.consumed_at !== null };
  }

  /** Marks the code used; false when another request used it first. */
  async consumeCode(id: number, nowMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE sign_in_codes SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL', [id, new Date(nowMs)]);
    return rowCount === 1;
  }

  // --- sessions and refresh tokens ---

  async openSession(userId: string, refreshHash: string, nowMs: number, refreshTtlMs: number): Promise<string> {
    const sessionId = randomUUID();
    await inTransaction(this.pool, async (client) => {
      await client.query('INSERT INTO sessions (id, user_id, created_at) VALUES ($1, $2, $3)', [sessionId, userId, new Date(nowMs)]);
      await client.query('INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)', [refreshHash, sessionId, new Date(nowMs), new Date(nowMs + refreshTtlMs)]);
    });
    return sessionId;
  }

  /**
   * Trades a refresh token for the next one of its session. A token already traded means it was
   * copied, and the whole session is revoked, the thief's copy and the owner's alike; except one
   * presented again within `reuseGraceMs` of its trade while the token that replaced it is still
   * unused: the answer carrying that one was lost, so it is retired and the trade made again.
   */
  async rotateRefreshToken(presentedHash: string, nextHash: string, nowMs: number, refreshTtlMs: number, reuseGraceMs = 0): Promise<RefreshOutcome> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ session_id: string; expires_at: Date; rotated_at: Date | null; replaced_by: string | null; revoked_at: Date | null; user: UserRow }>(
        `SELECT t.session_id, t.expires_at, t.rotated_at, t.replaced_by, s.revoked_at, row_to_json(u.*) AS user
           FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
          WHERE t.token_hash = $1 FOR UPDATE OF t, s`,
        [presentedHash],
      );
      const t = rows[0];
      if (!t) return { kind: 'unknown' };
      // A token traded again keeps its first trade's time, so its grace runs from the first rotation.
      const handOver = async (): Promise<RefreshOutcome> => {
        await client.query('UPDATE refresh_tokens SET rotated_at = COALESCE(rotated_at, $2), replaced_by = $3 WHERE token_hash = $1', [presentedHash, new Date(nowMs), nextHash]);
        await client.query('INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)', [nextHash, t.session_id, new Date(nowMs), new Date(nowMs + refreshTtlMs)]);
        return { kind: 'rotated', user: userOf(t.user), sessionId: t.session_id };
      };
      if (t.revoked_at) return { kind: 'revoked' };
      if (t.rotated_at && t.replaced_by && nowMs - t.rotated_at.getTime() <= reuseGraceMs && t.expires_at.getTime() > nowMs) {
        const retired = await client.query(`UPDATE refresh_tokens SET rotated_at = $2 WHERE token_hash = $1 AND rotated_at IS NULL`, [t.replaced_by, new Date(nowMs)]);
        if (retired.rowCount === 1) return handOver();
      }
      if (t.rotated_at) {
        await client.query(`UPDATE sessions SET revoked_at = $2, revoked_because = 'refresh token reused' WHERE id = $1`, [t.session_id, new Date(nowMs)]);
        return { kind: 'reused', userId: t.user.id, sessionId: t.session_id };
      }
      if (t.expires_at.getTime() <= nowMs) return { kind: 'expired' };
      return handOver();
    });
  }

  /** Ends one of the user's sessions; false when it is not theirs or already over. */
  async revokeSession(userId: string, sessionId: string, nowMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE sessions SET revoked_at = $3, revoked_because = 'signed out' WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`,
      [sessionId, userId, new Date(nowMs)],
    );
    return rowCount === 1;
  }

  /** Ends every session of the user and raises their token generation; returns the new one. */
  async signOutEverywhere(userId: string): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ token_generation: number }>('UPDATE users SET token_generation = token_generation + 1 WHERE id = $1 RETURNING token_generation', [userId]);
      if (!rows[0]) throw new DomainError('NOT_FOUND', 'no such user');
      await this.revokeAllSessions(client, userId, 'signed out everywhere');
      return rows[0].token_generation;
    });
  }

  private async revokeAllSessions(client: PoolClient, userId: string, because: string): Promise<void> {
    await client.query('UPDATE sessions SET revoked_at = now(), revoked_because = $2 WHERE user_id = $1 AND revoked_at IS NULL', [userId, because]);
  }

  // --- the development SMS inbox ---

  async addToDevInbox(phone: string, body: string): Promise<void> {
    await this.pool.query('INSERT INTO dev_sms_inbox (phone, body) VALUES ($1, $2)', [phone, body]);
  }

  async devInbox(phone: string, limit: number): Promise<{ body: string; sentAt: string }[]> {
    const { rows } = await this.pool.query<{ body: string; sent_at: Date }>('SELECT body, sent_at FROM dev_sms_inbox WHERE phone = $1 ORDER BY id DESC LIMIT $2', [phone, limit]);
    return rows.map((r) => ({ body: r.body, sentAt: r.sent_at.toISOString() }));
  }
}
