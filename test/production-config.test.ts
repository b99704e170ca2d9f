// Production refuses the development defaults: every service's compiled entry, started as the
// image starts it (NODE_ENV=production), exits naming the variable when a secret is missing, too
// short or a committed default, or when the dev login is switched on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseConfig } from '@lc/kit';
import { configShape as gatewayShape } from '../services/gateway/src/config.js';
import { configShape as liveRoomShape } from '../services/live-room/src/config.js';
import { configShape as orderShape } from '../services/order/src/config.js';
import { configShape as fulfillmentShape } from '../services/fulfillment/src/config.js';
import { configShape as leaderShape } from '../services/leader/src/config.js';
import { repoRoot } from '../test-support/platform.js';

const strong = () => randomBytes(24).toString('base64'); // 32 characters, 32 bytes

/** Each service's secrets and the default committed for development. */
const SECRETS = [
  { service: 'gateway', name: 'JWT_SECRET', committed: 'dev-only-jwt-secret-change-me-0123456789' },
  { service: 'live-room', name: 'JWT_SECRET', committed: 'dev-only-jwt-secret-change-me-0123456789' },
  { service: 'order', name: 'PAYMENT_WEBHOOK_SECRET', committed: 'sandbox-webhook-secret-dev-only' },
  { service: 'fulfillment', name: 'PICKUP_CODE_SECRET', committed: 'pickup-code-secret-dev-only-0123' },
  { service: 'gateway', name: 'SIGN_IN_CODE_SECRET', committed: 'dev-only-sign-in-code-secret-change-me-0123' },
  { service: 'order', name: 'SHARE_LINK_SECRET', committed: 'dev-only-share-link-secret-change-me-0123456' },
] as const;

/** Settings production needs besides the secrets (order's explicit choice of payment provider). */
// Production also requires the CORS allow-list; it is set here so each case fails on its secret alone.
// The gateway's SMS sender is named too (production refuses the development inbox).
const smsRelay = { SMS_SENDER: 'http-relay', SMS_RELAY_URL: 'https://sms-relay.example.com/send', SMS_RELAY_SECRET: 'relay-secret-0123456789-0123456789' };
const productionBase = { NODE_ENV: 'production', PAYMENT_PROVIDER: 'sandbox', CORS_ORIGINS: 'https://shop.example.com', ...smsRelay };

interface Exit {
  code: number | null;
  problems: string[];
  output: string;
}

/** Starts a service's compiled entry with only `env` (no inherited secrets) and waits for its exit. */
async function startExpectingExit(service: string, env: Record<string, string>): Promise<Exit> {
  const child = spawn(process.execPath, ['--import', '@lc/kit/telemetry-register', join(repoRoot, 'services', service, 'dist', 'main.js')], {
    cwd: repoRoot,
    // Unroutable backing services: a service that wrongly got past its configuration hangs
    // connecting instead of starting for real, and the timeout below reports it.
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres', REDIS_URL: 'redis://127.0.0.1:1', NATS_URL: 'nats://127.0.0.1:1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  // Generous: a start that only parses config still loads telemetry first, slow on a loaded machine.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  const fatal = output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; problems?: string[] })
    .find((l) => l.level === 60);
  return { code, problems: fatal?.problems ?? [], output };
}

describe('production config', () => {
  const cases = SECRETS.flatMap(({ service, name, committed }) => [
    { service, name, how: 'missing', value: undefined, expect: 'must be set in production' },
    { service, name, how: 'short', value: 'x'.repeat(31), expect: 'must be at least 32 bytes in production' },
    { service, name, how: 'the committed default', value: committed, expect: 'is a committed development default' },
  ]);
  for (const c of cases) {
    it(`production config - ${c.service} exits naming ${c.name} when it is ${c.how}`, async () => {
      const env: Record<string, string> = { ...productionBase };
      if (c.value !== undefined) env[c.name] = c.value;
      const exit = await startExpectingExit(c.service, env);
      assert.equal(exit.code, 1, exit.output);
      const named = exit.problems.filter((p) => p.startsWith(`${c.name}:`));
      assert.ok(named.some((p) => p.includes(c.expect)), `expected "${c.name}: ${c.expect}" in ${JSON.stringify(exit.problems)}`);
      // The refusal names the variable, never its value.
      if (c.value) assert.ok(!exit.output.includes(c.value), 'the secret leaked into the log');
    });
  }

  it('production config - the gateway exits naming DEV_LOGIN when the dev login is switched on', async () => {
    const exit = await startExpectingExit('gateway', { ...productionBase, JWT_SECRET: strong(), SIGN_IN_CODE_SECRET: strong(), DEV_LOGIN: 'true' });
    assert.equal(exit.code, 1, exit.output);
    assert.deepEqual(exit.problems, ['DEV_LOGIN: must not be on in production']);
  });

  it('production config - the gateway exits naming SMS_SENDER when no real SMS sender is named (the development inbox is refused)', async () => {
    const { SMS_SENDER: _named, ...withoutSender } = productionBase;
    const exit = await startExpectingExit('gateway', { ...withoutSender, JWT_SECRET: strong(), SIGN_IN_CODE_SECRET: strong() });
    assert.equal(exit.code, 1, exit.output);
    assert.equal(exit.problems.length, 1, JSON.stringify(exit.problems));
    assert.match(exit.problems[0]!, /^SMS_SENDER: must be set in production/);
    assert.throws(() => parseConfig(gatewayShape, { ...productionBase, JWT_SECRET: strong(), SIGN_IN_CODE_SECRET: strong(), SMS_SENDER: 'dev-inbox' }), /SMS_SENDER/);
  });

  it('production config - the gateway exits naming SMS_RELAY_URL when the relay sender has no address', async () => {
    const { SMS_RELAY_URL: _url, ...withoutUrl } = productionBase;
    const exit = await startExpectingExit('gateway', { ...withoutUrl, JWT_SECRET: strong(), SIGN_IN_CODE_SECRET: strong() });
    assert.equal(exit.code, 1, exit.output);
    assert.deepEqual(exit.problems, ['SMS_RELAY_URL: must be set with SMS_SENDER=http-relay']);
  });

  it('production config - the leader service exits naming PAYOUT_PROVIDER until production names its payout provider', async () => {
    const exit = await startExpectingExit('leader', { NODE_ENV: 'production' });
    assert.equal(exit.code, 1, exit.output);
    assert.deepEqual(exit.problems, ['PAYOUT_PROVIDER: must be set in production to name the payout provider']);
    assert.equal(parseConfig(leaderShape, { NODE_ENV: 'production', PAYOUT_PROVIDER: 'sandbox' }).PAYOUT_PROVIDER, 'sandbox');
    assert.throws(() => parseConfig(leaderShape, { NODE_ENV: 'production', PAYOUT_PROVIDER: 'paypal' }), /PAYOUT_PROVIDER/);
    assert.equal(parseConfig(leaderShape, { NODE_ENV: 'development' }).PAYOUT_PROVIDER, undefined, 'development uses the sandbox without naming it');
    assert.throws(() => parseConfig(leaderShape, { COMMISSION_RATES: '{"fresh": {"NEW": 1, "GROWING": 2, "STAR": 3}}' }), /COMMISSION_RATES/, 'rates must cover every category');
  });

  it('production config - the 32-byte floor counts bytes, not characters', () => {
    // 16 two-byte characters pass the development floor of 16 characters either way.
    const bytes32 = 'я'.repeat(16);
    const bytes31 = 'я'.repeat(15) + 'x';
    assert.equal(parseConfig(orderShape, { ...productionBase, PAYMENT_WEBHOOK_SECRET: bytes32, SHARE_LINK_SECRET: strong() }).PAYMENT_WEBHOOK_SECRET, bytes32);
    assert.throws(() => parseConfig(orderShape, { ...productionBase, PAYMENT_WEBHOOK_SECRET: bytes31 }), /PAYMENT_WEBHOOK_SECRET: must be at least 32 bytes/);
  });

  it('production config - every service parses with strong secrets and the dev login off', () => {
    const gateway = parseConfig(gatewayShape, { ...productionBase, JWT_SECRET: strong(), SIGN_IN_CODE_SECRET: strong(), DEV_LOGIN: 'false' });
    assert.equal(gateway.DEV_LOGIN, false);
    const jwt = strong();
    assert.equal(parseConfig(liveRoomShape, { ...productionBase, JWT_SECRET: jwt }).JWT_SECRET, jwt);
    assert.equal(parseConfig(orderShape, { ...productionBase, PAYMENT_WEBHOOK_SECRET: jwt, SHARE_LINK_SECRET: strong() }).PAYMENT_WEBHOOK_SECRET, jwt);
    assert.equal(parseConfig(fulfillmentShape, { ...productionBase, PICKUP_CODE_SECRET: jwt }).PICKUP_CODE_SECRET, jwt);
  });

  it('production config - development and tests keep the committed defaults and the dev login', () => {
    for (const NODE_ENV of ['development', 'test', undefined]) {
      const env = NODE_ENV ? { NODE_ENV } : {};
      assert.equal(parseConfig(gatewayShape, env).JWT_SECRET, 'dev-only-jwt-secret-change-me-0123456789');
      assert.equal(parseConfig(gatewayShape, env).SMS_SENDER, undefined, 'codes go to the development inbox');
      assert.equal(parseConfig(gatewayShape, { ...env, DEV_LOGIN: 'true' }).DEV_LOGIN, true);
      assert.equal(parseConfig(liveRoomShape, env).JWT_SECRET, 'dev-only-jwt-secret-change-me-0123456789');
      assert.equal(parseConfig(orderShape, env).PAYMENT_WEBHOOK_SECRET, 'sandbox-webhook-secret-dev-only');
      assert.equal(parseConfig(orderShape, env).SHARE_LINK_SECRET, 'dev-only-share-link-secret-change-me-0123456');
      assert.equal(parseConfig(fulfillmentShape, env).PICKUP_CODE_SECRET, 'pickup-code-secret-dev-only-0123');
      // Outside production the floors stay as they were: 16 characters for the HMAC keys.
      assert.equal(parseConfig(fulfillmentShape, { ...env, PICKUP_CODE_SECRET: 'sixteen-chars-ok' }).PICKUP_CODE_SECRET, 'sixteen-chars-ok');
      assert.throws(() => parseConfig(orderShape, { ...env, PAYMENT_WEBHOOK_SECRET: 'too-short' }), /PAYMENT_WEBHOOK_SECRET/);
    }
  });
});
