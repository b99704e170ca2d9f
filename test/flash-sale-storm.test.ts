// The flash-sale promises under a storm and under faults: 500 buyers, 5,000 concurrent attempts on
// 100 units with a limit of 2 — never oversold, nobody over the limit, one order per key, and
// every acknowledged order kept, also when inventory is killed, Redis is flushed or NATS restarts.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parseConfig } from '@lc/kit';
import { isolate, REDIS_URL, type Isolation } from '../test-support/isolation.js';
import { freePort, spawnService, startCore, type ServiceProcess } from '../test-support/platform.js';
import { Api, createFlashSale } from '../test-support/api.js';
import { checkInvariants, loginBuyers, storm } from '../test-support/storm.js';
import { configShape as orderShape } from '../services/order/src/config.js';
import { startOrder } from '../services/order/src/service.js';
import { configShape as gatewayShape } from '../services/gateway/src/config.js';
import { startGateway } from '../services/gateway/src/service.js';
import { configShape as fulfillmentShape } from '../services/fulfillment/src/config.js';
import { startFulfillment } from '../services/fulfillment/src/service.js';

const BUYERS = 500;
const KEYS_PER_BUYER = 5; // each sent twice: 5,000 attempts
const QUANTITY = 100;
const LIMIT = 2;

const schemas = (iso: Isolation) => ({ inventorySchema: iso.env('inventory').DB_SCHEMA!, orderSchema: iso.env('order').DB_SCHEMA! });
const gatewayOverrides = { ORDER_RATE_BURST: '50' };

describe('flash-sale storm', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  /** inventory, order and gateway in this process, stopped and cleaned up after the suite. */
  async function startStormCore() {
    const iso = isolate();
    const core = await startCore(iso, { gateway: gatewayOverrides });
    cleanups.push(async () => {
      await core.stop();
      await iso.cleanup();
    });
    return { iso, core };
  }

  /** A pool of QUANTITY units with LIMIT per buyer, created by leader-1, and the BUYERS who storm it. */
  async function poolAndBuyers(url: string) {
    const leader = await Api.login(url, 'leader-1');
    const { flashSaleId } = await createFlashSale(leader, { quantity: QUANTITY, perBuyerLimit: LIMIT });
    return { leader, flashSaleId, buyers: await loginBuyers(url, BUYERS) };
  }

  it('reservation - 5,000 concurrent attempts on 100 units end with exactly 100 held, within limits, one order per key', async () => {
    const { iso, core } = await startStormCore();
    const { leader, flashSaleId, buyers } = await poolAndBuyers(core.url);
    const result = await storm(buyers, flashSaleId, KEYS_PER_BUYER);
    assert.equal(result.failures, 0);
    assert.equal(result.internalErrors, 0);
    const totals = await checkInvariants({ ...schemas(iso), flashSaleId, quantity: QUANTITY, limit: LIMIT, acknowledged: result.acknowledged });
    assert.equal(totals.heldOrSold, QUANTITY);
    assert.equal(new Set(result.acknowledged.map((a) => a.orderId)).size, totals.orders);
    const stats = await leader.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.held + stats.body.sold, stats.body.available], [QUANTITY, 0]);
    assert.ok((result.refusals.SOLD_OUT ?? 0) > 0 && (result.refusals.LIMIT_REACHED ?? 0) > 0, JSON.stringify(result.refusals));
  });

  it('reservation - the storm survives inventory being SIGKILLed and restarted', async () => {
    const iso = isolate();
    const grpcPort = await freePort();
    const inventoryEnv = { ...iso.env('inventory'), GRPC_PORT: String(grpcPort), SWEEP_GRACE_MS: '1000' };
    let inventory: ServiceProcess = await spawnService('inventory', inventoryEnv);
    // The gateway asks fulfillment which warehouse serves the leader before stocking and pooling;
    // order asks it where each order's pickup point is.
    const fulfillment = await startFulfillment(parseConfig(fulfillmentShape, { ...iso.env('fulfillment'), WAVE_CLOSE_INTERVAL_MS: '0' }));
    const order = await startOrder(parseConfig(orderShape, { ...iso.env('order'), INVENTORY_ADDR: `127.0.0.1:${grpcPort}`, FULFILLMENT_ADDR: `127.0.0.1:${fulfillment.runtime.grpcPort}` }));
    const gateway = await startGateway(
      parseConfig(gatewayShape, {
        ...iso.env('gateway'),
        ...gatewayOverrides,
        INVENTORY_ADDR: `127.0.0.1:${grpcPort}`,
        ORDER_ADDR: `127.0.0.1:${order.runtime.grpcPort}`,
        FULFILLMENT_ADDR: `127.0.0.1:${fulfillment.runtime.grpcPort}`,
      }),
    );
    cleanups.push(async () => {
      await gateway.runtime.stop();
      await order.runtime.stop();
      await fulfillment.runtime.stop();
      inventory.child.kill('SIGKILL');
      await iso.cleanup();
    });
    const url = `http://127.0.0.1:${gateway.runtime.httpPort}`;
    const { flashSaleId, buyers } = await poolAndBuyers(url);
    const result = await storm(buyers, flashSaleId, KEYS_PER_BUYER, async () => {
      await new Promise((r) => setTimeout(r, 150));
      inventory.child.kill('SIGKILL');
      await inventory.exited;
      inventory = await spawnService('inventory', inventoryEnv);
    });
    assert.equal(result.failures, 0);
    assert.equal(result.internalErrors, 0);
    await checkInvariants({ ...schemas(iso), flashSaleId, quantity: QUANTITY, limit: LIMIT, acknowledged: result.acknowledged });
  });

  it('reservation - the storm survives Redis losing the pool mid-storm (state rebuilt from Postgres)', async () => {
    const { iso, core } = await startStormCore();
    const { flashSaleId, buyers } = await poolAndBuyers(core.url);
    const redis = new Redis(REDIS_URL);
    const result = await storm(buyers, flashSaleId, KEYS_PER_BUYER, async () => {
      // A flush of this test's keyspace (a FLUSHALL would hit parallel tests' keys too).
      for (const delay of [100, 300]) {
        await new Promise((r) => setTimeout(r, delay));
        const keys = await redis.keys(`${iso.id}:*`);
        if (keys.length) await redis.del(...keys);
      }
    });
    redis.disconnect();
    assert.equal(result.failures, 0);
    assert.equal(result.internalErrors, 0);
    const totals = await checkInvariants({ ...schemas(iso), flashSaleId, quantity: QUANTITY, limit: LIMIT, acknowledged: result.acknowledged });
    assert.equal(totals.heldOrSold, QUANTITY);
  });

  it('reservation - the storm survives NATS restarting mid-storm; stock events still flow afterwards', async () => {
    const iso = isolate();
    // A NATS server of this test's own, so restarting it disturbs no one else.
    const port = await freePort();
    const store = mkdtempSync(join(tmpdir(), 'nats-'));
    const startNats = () => spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: 'ignore' });
    let nats = startNats();
    await new Promise((r) => setTimeout(r, 500));
    const natsUrl = `nats://127.0.0.1:${port}`;
    const core = await startCore(iso, { inventory: { NATS_URL: natsUrl }, order: { NATS_URL: natsUrl }, gateway: { ...gatewayOverrides, NATS_URL: natsUrl } });
    cleanups.push(async () => {
      await core.stop();
      nats.kill('SIGKILL');
      rmSync(store, { recursive: true, force: true });
      await iso.cleanup().catch(() => undefined);
    });
    const { flashSaleId, buyers } = await poolAndBuyers(core.url);
    const result = await storm(buyers, flashSaleId, KEYS_PER_BUYER, async () => {
      await new Promise((r) => setTimeout(r, 100));
      const exited = once(nats, 'exit');
      nats.kill('SIGTERM');
      await exited;
      await new Promise((r) => setTimeout(r, 300));
      nats = startNats();
    });
    assert.equal(result.failures, 0);
    assert.equal(result.internalErrors, 0);
    const totals = await checkInvariants({ ...schemas(iso), flashSaleId, quantity: QUANTITY, limit: LIMIT, acknowledged: result.acknowledged });
    assert.equal(totals.heldOrSold, QUANTITY);
    // Stock events resume after the restart: the gateway learns the pool sold out.
    const deadline = Date.now() + 15_000;
    while (!core.gateway.soldOut.isSoldOut(flashSaleId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(core.gateway.soldOut.isSoldOut(flashSaleId), 'sold-out never reached the gateway after the restart');
  });
});
