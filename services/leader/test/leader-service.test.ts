// The leader service on its own: it boots on its own schema, records a leader first seen in an
// order event in the default zone, and lets a leader read only themself.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { EventBus, createLogger } from '@lc/kit';
import { isolate, NATS_URL } from '../../../test-support/isolation.js';
import { startLeaderAlone } from '../../../test-support/platform.js';

describe('leader service', () => {
  const iso = isolate();
  let leader: Awaited<ReturnType<typeof startLeaderAlone>>;
  let bus: EventBus;

  before(async () => {
    leader = await startLeaderAlone(iso);
    bus = await EventBus.connect(NATS_URL, iso.id, createLogger('test', 'silent'), 'test');
  });
  after(async () => {
    await bus.drain();
    await leader.stop();
    await iso.cleanup();
  });

  it('leader service - a leader first seen in order.paid is recorded in Asia/Shanghai and reads only themself', async () => {
    const orderId = randomUUID();
    const atMs = Date.UTC(2026, 0, 5, 3);
    await bus.publish('order.paid', { orderId, buyerId: 'buyer-1', leaderId: 'leader-x', skuId: randomUUID(), warehouseId: 'w1', qty: 1, totalFen: 1000, status: 'PAID', atMs }, `order:${orderId}:PAID`);
    const actor = { userId: 'leader-x', role: 'leader', warehouseId: '' };
    let got;
    for (let i = 0; i < 100 && !got; i++) {
      got = await leader.client.call((c) => c.getLeader, { actor, leaderId: 'leader-x' }).catch(() => undefined);
      if (!got) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(got?.leader?.zone, 'Asia/Shanghai');
    assert.equal(got?.leader?.joinedAtMs, atMs);
    await assert.rejects(leader.client.call((c) => c.getLeader, { actor: { userId: 'leader-y', role: 'leader', warehouseId: '' }, leaderId: 'leader-x' }), /only their own/);
  });
});
