// Phone sign-in against the real gateway, Postgres, Redis and NATS: a new phone signs up, signs
// in, refreshes and signs out (one session, then everywhere); codes expire, are single-use and
// survive only a few wrong tries; code requests and tries are limited per phone and per address,
// over two gateway processes sharing Redis; admins and leader onboarding make the other roles.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import pg from 'pg';
import { connect, type NatsConnection } from 'nats';
import { parseConfig } from '@lc/kit';
import { Api } from '../../../test-support/api.js';
import { DATABASE_URL, NATS_URL, isolate } from '../../../test-support/isolation.js';
import { spawnService, type ServiceProcess } from '../../../test-support/platform.js';
import { poll } from '../../../test-support/poll.js';
import { configShape } from '../src/config.js';
import { startGateway } from '../src/service.js';

type Gateway = Awaited<ReturnType<typeof startGateway>>;

// Limits small enough to reach in a test, the same for both gateway processes.
const LIMITS = {
  SIGN_IN_CODES_PER_PHONE_PER_HOUR: '4',
  SIGN_IN_CODES_PER_IP_PER_HOUR: '10',
  SIGN_IN_TRIES_PER_IP_PER_HOUR: '12',
  SIGN_IN_CODE_ATTEMPTS: '3',
  // Addresses come from X-Forwarded-For (one trusted proxy), so each test is its own "client".
  TRUSTED_PROXY_HOPS: '1',
};

let phoneSeq = 0;
/** A phone number no other test run uses (the schema is new, but stay readable). */
const newPhone = () => `139${String(Date.now() % 1e5).padStart(5, '0')}${String(phoneSeq++).padStart(3, '0')}`;
let ipSeq = 0;
const newIp = () => `203.0.113.${++ipSeq}`;

describe('sign-in by phone', { timeout: 240_000 }, () => {
  const iso = isolate();
  const env: Record<string, string> = { ...iso.env('gateway'), ...LIMITS };
  let gw: Gateway;
  let other: ServiceProcess;
  let a = '';
  let b = '';
  let db: pg.Client;
  let nc: NatsConnection;

  before(async () => {
    gw = await startGateway(parseConfig(configShape, env));
    a = `http://127.0.0.1:${gw.runtime.httpPort}`;
    // The second gateway is its own process on the same schema, Redis prefix and NATS prefix.
    other = await spawnService('gateway', { ...env, LOG_LEVEL: 'warn' });
    b = `http://127.0.0.1:${other.httpPort}`;
    db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    nc = await connect({ servers: NATS_URL });
  });
  after(async () => {
    other?.child.kill('SIGTERM');
    await other?.exited;
    await gw?.runtime.stop();
    await db?.end();
    await nc?.close();
    await iso.cleanup();
  });

  const schema = () => env.DB_SCHEMA;
  const from = (base: string, ip: string) => ({
    post: (path: string, body?: unknown, token = '') => new Api(base, token).post(path, body, { 'x-forwarded-for': ip }),
    get: (path: string, token = '') => new Api(base, token).request('GET', path, undefined, { 'x-forwarded-for': ip }),
  });

  /** The code the development inbox last got for `phone`. */
  async function inboxCode(base: string, phone: string): Promise<string> {
    const r = await new Api(base).get(`/api/v1/auth/dev-inbox?phone=${encodeURIComponent(phone)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const code = /\b([0-9]{6})\b/.exec(r.body.messages[0]?.body ?? '')?.[1];
    assert.ok(code, `no code in the inbox: ${JSON.stringify(r.body)}`);
    return code;
  }

  async function signIn(base: string, phone: string, ip = newIp()) {
    const sent = await from(base, ip).post('/api/v1/auth/codes', { phone });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const r = await from(base, ip).post('/api/v1/auth/sign-in', { phone, code: await inboxCode(base, phone) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { token: string; refreshToken: string; accessExpiresAt: string; user: { id: string; role: string; name: string; warehouseId?: string } };
  }

  const me = (base: string, token: string) => new Api(base, token).get('/api/v1/me');
  const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema()}.${table}`)).rows[0]!.n;

  it('sign-in - a new phone signs up as a buyer, refreshes, and "sign out everywhere" refuses its old access and refresh tokens on both gateways', async () => {
    const phone = newPhone();
    const first = await signIn(a, phone);
    assert.equal(first.user.role, 'buyer');
    assert.match(first.user.id, /^buyer-/);
    // The access token is short-lived: 15 minutes by default.
    const lifeMs = Date.parse(first.accessExpiresAt) - Date.now();
    assert.ok(lifeMs > 14 * 60_000 && lifeMs <= 15 * 60_000, `access token lives ${lifeMs} ms`);
    assert.equal((await me(a, first.token)).body.user.id, first.user.id);
    assert.equal((await me(b, first.token)).status, 200, 'the other gateway honours it too');

    // Signing in again finds the same user (no second sign-up).
    const second = await signIn(b, `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`);
    assert.equal(second.user.id, first.user.id);
    assert.equal((await db.query(`SELECT 1 FROM ${schema()}.users WHERE phone = $1`, [`+86${phone}`])).rowCount, 1);

    // Refresh rotates: a new refresh token, and a fresh access token for the same user.
    const refreshed = await new Api(b).post('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.notEqual(refreshed.body.refreshToken, first.refreshToken);
    assert.equal((await me(a, refreshed.body.token)).body.user.id, first.user.id);
    // Only a hash of each refresh token is stored.
    const stored = await db.query(`SELECT 1 FROM ${schema()}.refresh_tokens WHERE token_hash = $1 OR token_hash = $2`, [first.refreshToken, refreshed.body.refreshToken]);
    assert.equal(stored.rowCount, 0);

    // Sign out everywhere from the second session.
    const out = await new Api(a, second.token).post('/api/v1/auth/sign-out', { everywhere: true });
    assert.deepEqual([out.status, out.body], [200, { signedOut: 'everywhere' }]);
    for (const [where, base] of [['a', a], ['b', b]] as const) {
      for (const [which, token] of [['first', first.token], ['refreshed', refreshed.body.token], ['second', second.token]] as const) {
        // The other process learns it by broadcast; at worst after its revocation cache (5 s).
        const status = await poll(`${which} token refused on ${where}`, async () => ((await me(base, token)).status === 401 ? 401 : undefined), 7_000);
        assert.equal(status, 401);
      }
    }
    for (const refreshToken of [refreshed.body.refreshToken, second.refreshToken]) {
      const r = await new Api(b).post('/api/v1/auth/refresh', { refreshToken });
      assert.equal(r.status, 401);
      assert.equal(r.body.details.reason, 'SESSION_REVOKED');
    }
    // A new sign-in afterwards works at once, on either gateway.
    const again = await signIn(a, phone);
    assert.equal((await me(a, again.token)).status, 200);
    assert.equal((await me(b, again.token)).status, 200);
  });

  it('sign-in - signing out ends that session only; a reused refresh token revokes its whole session', async () => {
    const phone = newPhone();
    const kept = await signIn(a, phone);
    const leaving = await signIn(a, phone);
    const out = await new Api(b, leaving.token).post('/api/v1/auth/sign-out', {});
    assert.deepEqual([out.status, out.body], [200, { signedOut: 'session' }]);
    assert.equal((await me(b, leaving.token)).status, 401);
    await poll('signed-out token refused on a', async () => ((await me(a, leaving.token)).status === 401 ? true : undefined), 7_000);
    assert.equal((await new Api(a).post('/api/v1/auth/refresh', { refreshToken: leaving.refreshToken })).status, 401);
    assert.equal((await me(a, kept.token)).status, 200, 'the other session goes on');

    // A refresh token used twice after the token that replaced it was used was copied: the session
    // ends for the thief and the owner alike.
    const first = await new Api(a).post('/api/v1/auth/refresh', { refreshToken: kept.refreshToken });
    assert.equal(first.status, 200);
    const next = await new Api(a).post('/api/v1/auth/refresh', { refreshToken: first.body.refreshToken });
    assert.equal(next.status, 200);
    const replay = await new Api(b).post('/api/v1/auth/refresh', { refreshToken: kept.refreshToken });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.details.reason, 'REFRESH_REUSED');
    const owner = await new Api(a).post('/api/v1/auth/refresh', { refreshToken: next.body.refreshToken });
    assert.equal(owner.status, 401);
    assert.equal(owner.body.details.reason, 'SESSION_REVOKED');
    await poll('the session’s access token refused', async () => ((await me(a, next.body.token)).status === 401 ? true : undefined), 7_000);
    assert.equal((await me(b, kept.token)).status, 401);
  });

  it('sign-in - a refresh whose answer was lost (a tab reloaded mid-refresh) may be presented again at once; the lost token then ends the session', async () => {
    const phone = newPhone();
    const session = await signIn(a, phone);
    const lost = await new Api(a).post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    assert.equal(lost.status, 200);
    // The page never stored `lost`: it presents the old token again, within the grace.
    const again = await new Api(b).post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.notEqual(again.body.refreshToken, lost.body.refreshToken);
    assert.equal((await me(a, again.body.token)).status, 200);
    const onward = await new Api(a).post('/api/v1/auth/refresh', { refreshToken: again.body.refreshToken });
    assert.equal(onward.status, 200, 'the session goes on');
    // Whoever did get the lost answer cannot use it: a retired token coming back ends the session.
    const stray = await new Api(a).post('/api/v1/auth/refresh', { refreshToken: lost.body.refreshToken });
    assert.deepEqual([stray.status, stray.body.details?.reason], [401, 'REFRESH_REUSED']);
    const owner = await new Api(b).post('/api/v1/auth/refresh', { refreshToken: onward.body.refreshToken });
    assert.deepEqual([owner.status, owner.body.details?.reason], [401, 'SESSION_REVOKED']);
  });

  it('sign-in - malformed phones, wrong, expired and reused codes are clear 4xx and create no user or session', async () => {
    const ip = newIp();
    const users = await count('users');
    const sessions = await count('sessions');
    for (const phone of ['12345', '2380013800a', '+1 415 555 0100', '', 'x'.repeat(100), 13800138000]) {
      const r = await from(a, ip).post('/api/v1/auth/codes', { phone });
      assert.equal(r.status, 400, `${phone}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, /phone/);
    }
    const phone = newPhone();
    const malformed = await from(a, ip).post('/api/v1/auth/sign-in', { phone, code: '12345' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.message, /code must be 6 digits/);
    const none = await from(a, ip).post('/api/v1/auth/sign-in', { phone, code: '123456' });
    assert.deepEqual([none.status, none.body.details?.reason], [400, 'NO_CODE']);

    await from(a, ip).post('/api/v1/auth/codes', { phone });
    const code = await inboxCode(a, phone);
    const stored = await db.query<{ code_hash: string }>(`SELECT code_hash FROM ${schema()}.sign_in_codes WHERE phone = $1`, [`+86${phone}`]);
    assert.equal(stored.rows.length, 1);
    assert.ok(!stored.rows[0]!.code_hash.includes(code), 'the code is stored as an HMAC only');
    const wrong = await from(a, ip).post('/api/v1/auth/sign-in', { phone, code: code === '000000' ? '000001' : '000000' });
    assert.deepEqual([wrong.status, wrong.body.details?.reason], [400, 'CODE_WRONG']);
    // Expired: five minutes pass (moved in the table, as the clock would).
    await db.query(`UPDATE ${schema()}.sign_in_codes SET expires_at = now() - interval '1 second' WHERE phone = $1`, [`+86${phone}`]);
    const expired = await from(a, ip).post('/api/v1/auth/sign-in', { phone, code });
    assert.deepEqual([expired.status, expired.body.details?.reason], [400, 'CODE_EXPIRED']);
    assert.equal(await count('users'), users);
    assert.equal(await count('sessions'), sessions);

    // Reused: a code signs in once.
    await from(b, ip).post('/api/v1/auth/codes', { phone });
    const fresh = await inboxCode(b, phone);
    assert.equal((await from(b, ip).post('/api/v1/auth/sign-in', { phone, code: fresh })).status, 200);
    const reused = await from(a, ip).post('/api/v1/auth/sign-in', { phone, code: fresh });
    assert.deepEqual([reused.status, reused.body.details?.reason], [400, 'CODE_USED']);
    assert.equal(await count('sessions'), sessions + 1);

    const badRefresh = await new Api(a).post('/api/v1/auth/refresh', { refreshToken: 'A'.repeat(43) });
    assert.deepEqual([badRefresh.status, badRefresh.body.details?.reason], [401, 'REFRESH_UNKNOWN']);
    assert.equal((await new Api(a).post('/api/v1/auth/refresh', {})).status, 400);
    assert.equal((await new Api(a).post('/api/v1/auth/sign-out', {})).status, 401);
  });

  it('sign-in - guessing: a code survives 3 wrong tries, then even the right code is refused until a new one is sent', async () => {
    const phone = newPhone();
    const ip = newIp();
    await from(a, ip).post('/api/v1/auth/codes', { phone });
    const code = await inboxCode(a, phone);
    const wrong = String((Number(code) + 1) % 1e6).padStart(6, '0');
    // Tries alternate between the two gateways: the count is the code's row, shared by both.
    for (const base of [a, b, a]) assert.equal((await from(base, ip).post('/api/v1/auth/sign-in', { phone, code: wrong })).status, 400);
    const locked = await from(b, ip).post('/api/v1/auth/sign-in', { phone, code });
    assert.deepEqual([locked.status, locked.body.details?.reason], [429, 'CODE_ATTEMPTS_EXHAUSTED']);
    // Parallel guesses cannot share one count either.
    await from(a, ip).post('/api/v1/auth/codes', { phone });
    const next = await inboxCode(a, phone);
    const guesses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => from(i % 2 ? a : b, newIp()).post('/api/v1/auth/sign-in', { phone, code: String((Number(next) + 1 + i) % 1e6).padStart(6, '0') })),
    );
    assert.equal(guesses.filter((g) => g.status === 400).length, 3, JSON.stringify(guesses.map((g) => g.status)));
    assert.equal(guesses.filter((g) => g.status === 429).length, 5);
    assert.equal((await from(a, ip).post('/api/v1/auth/sign-in', { phone, code: next })).status, 429);
    assert.equal((await signIn(b, phone)).user.role, 'buyer', 'a new code signs in');
  });

  it('sign-in - flooding: codes per phone and per address, and tries per address, are limited across both gateway processes', async () => {
    // Per phone (4 an hour), whatever the address.
    const phone = newPhone();
    for (let i = 0; i < 4; i++) assert.equal((await from(i % 2 ? a : b, newIp()).post('/api/v1/auth/codes', { phone })).status, 200);
    const fifth = await from(a, newIp()).post('/api/v1/auth/codes', { phone });
    assert.equal(fifth.status, 429);
    assert.match(fifth.body.message, /this phone/);
    assert.equal((await db.query(`SELECT 1 FROM ${schema()}.sign_in_codes WHERE phone = $1`, [`+86${phone}`])).rowCount, 4);

    // Per address (10 an hour), over many phones.
    const ip = newIp();
    for (let i = 0; i < 10; i++) assert.equal((await from(i % 2 ? a : b, ip).post('/api/v1/auth/codes', { phone: newPhone() })).status, 200, `code ${i}`);
    const refused = await new Api(b).request('POST', '/api/v1/auth/codes', { phone: newPhone() }, { 'x-forwarded-for': ip });
    assert.equal(refused.status, 429);
    assert.match(refused.body.message, /this address/);

    // Tries per address (12 an hour), spread over many phones so no code's own count stops them.
    const sprayer = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await from(i % 2 ? a : b, sprayer).post('/api/v1/auth/sign-in', { phone: newPhone(), code: '123456' })).status);
    assert.deepEqual(statuses, [...Array(12).fill(400), 429, 429]);
    const last = await new Api(a).request('POST', '/api/v1/auth/sign-in', { phone: newPhone(), code: '123456' }, { 'x-forwarded-for': sprayer });
    assert.equal(last.status, 429, 'still limited');
  });

  it('sign-in - admins add staff, drivers and leaders who then sign in with their role; others may not', async () => {
    const admin = await Api.login(a, 'admin-1');
    const phone = newPhone();
    const created = await admin.post('/api/v1/admin/users', { phone, role: 'warehouse', name: '仓库小王 Warehouse Wang', warehouseId: 'wh-7' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const session = await signIn(b, phone);
    assert.deepEqual([session.user.role, session.user.warehouseId], ['warehouse', 'wh-7']);
    assert.equal((await me(a, session.token)).body.user.warehouseId, 'wh-7', 'the warehouseId claim');

    assert.equal((await admin.post('/api/v1/admin/users', { phone, role: 'driver', name: 'x' })).status, 409);
    assert.equal((await admin.post('/api/v1/admin/users', { phone: newPhone(), role: 'warehouse', name: 'x' })).status, 400);
    assert.equal((await admin.post('/api/v1/admin/users', { phone: newPhone(), role: 'buyer', name: 'x' })).status, 400);
    const leader = await Api.login(a, 'leader-1');
    assert.equal((await leader.post('/api/v1/admin/users', { phone: newPhone(), role: 'admin', name: 'x' })).status, 403);
    assert.equal((await new Api(a, session.token).post('/api/v1/admin/users', { phone: newPhone(), role: 'admin', name: 'x' })).status, 403);

    // The demo's people have phones in development.
    const demoLeader = await signIn(a, '13800000001');
    assert.deepEqual([demoLeader.user.id, demoLeader.user.role], ['leader-1', 'leader']);
  });

  it('sign-in - an approved leader application makes a leader who signs in by phone; a buyer holding the phone hands it over', async () => {
    const phone = newPhone();
    const asBuyer = await signIn(a, phone);
    const leaderId = `leader-${iso.id}`;
    const event = { applicationId: `app-${iso.id}`, leaderId, name: '赵团长 Leader Zhao', phone: `+86${phone}`, community: '西溪', pickupPointId: `pp-${iso.id}`, warehouseId: 'wh-1', zone: 'Asia/Shanghai' };
    const js = nc.jetstream();
    // The LEADER stream exists (the gateway made it); published twice, applied once.
    for (let i = 0; i < 2; i++) await js.publish(`${iso.id}.leader.application.approved`, JSON.stringify(event), { msgID: `approved-${i}` });
    await poll('leader user', async () => ((await db.query(`SELECT 1 FROM ${schema()}.users WHERE id = $1 AND role = 'leader'`, [leaderId])).rowCount ? true : undefined));
    const asLeader = await signIn(b, phone);
    assert.deepEqual([asLeader.user.id, asLeader.user.role], [leaderId, 'leader']);
    // The buyer's old tokens end: the phone is the leader's now.
    await poll('buyer token refused', async () => ((await me(a, asBuyer.token)).status === 401 ? true : undefined), 7_000);
    assert.equal((await new Api(a).post('/api/v1/auth/refresh', { refreshToken: asBuyer.refreshToken })).status, 401);
  });

  it('sign-in - the HTTP relay sender posts each code signed with its secret, and there is no development inbox', async () => {
    const got: { body: string; timestamp: string; signature: string }[] = [];
    let answer = 202;
    const relay = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        got.push({ body, timestamp: String(req.headers['x-lc-timestamp']), signature: String(req.headers['x-lc-signature']) });
        res.writeHead(answer).end();
      });
    });
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    const secret = 'relay-secret-for-this-test-0123456789';
    const relayIso = isolate();
    const withRelay = await startGateway(
      parseConfig(configShape, { ...relayIso.env('gateway'), SMS_SENDER: 'http-relay', SMS_RELAY_URL: `http://127.0.0.1:${(relay.address() as { port: number }).port}/sms`, SMS_RELAY_SECRET: secret }),
    );
    try {
      const base = `http://127.0.0.1:${withRelay.runtime.httpPort}`;
      const phone = newPhone();
      assert.equal((await new Api(base).post('/api/v1/auth/codes', { phone })).status, 200);
      assert.equal(got.length, 1);
      const sent = JSON.parse(got[0]!.body) as { to: string; text: string };
      assert.equal(sent.to, `+86${phone}`);
      assert.equal(got[0]!.signature, createHmac('sha256', secret).update(`${got[0]!.timestamp}.${got[0]!.body}`).digest('hex'));
      const code = /\b([0-9]{6})\b/.exec(sent.text)![1]!;
      assert.equal((await new Api(base).post('/api/v1/auth/sign-in', { phone, code })).status, 200);
      assert.equal((await new Api(base).get(`/api/v1/auth/dev-inbox?phone=${phone}`)).status, 403);
      assert.deepEqual((await new Api(base).get('/api/v1/auth/options')).body, { phone: true, devLogin: true, devInbox: false });
      answer = 500;
      const failed = await new Api(base).post('/api/v1/auth/codes', { phone });
      assert.equal(failed.status, 503, 'a relay that refuses is a retryable 503');
    } finally {
      await withRelay.runtime.stop();
      relay.close();
      await relayIso.cleanup();
    }
  });
});
