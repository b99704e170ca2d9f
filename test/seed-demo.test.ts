// The demo `npm start` seeds, as its buyers meet it: the seeded flash sale is running in the
// seeded live session, so a buyer who opens the printed live-room link can grab a unit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import { isolate } from '../test-support/isolation.js';
import { startCoreWithInbox } from '../test-support/live-room-browser.js';
import { Api } from '../test-support/api.js';
import { seedDemo } from '../scripts/seed-demo.js';

describe('demo seed', { timeout: 120_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;

  before(async () => {
    core = await startCoreWithInbox(iso, {}, { leader: true });
  });
  after(async () => {
    await core?.stop();
    await iso.cleanup();
  });

  it('seed - the seeded flash sale is the live session’s running sale; a buyer joining sees it open; seeding again keeps it', async () => {
    const { sessionId } = await seedDemo(core.url, core.liveRoomUrl, () => undefined);
    const buyer = await Api.login(core.url, 'buyer-4800');
    const socket: Socket = io(core.liveRoomUrl, { path: '/socket.io', auth: { token: buyer.token }, transports: ['websocket'], reconnection: false });
    try {
      const joined = await socket.timeout(10_000).emitWithAck('session:join', { sessionId });
      assert.equal(joined.ok, true, JSON.stringify(joined));
      const sale = joined.data.sale;
      assert.ok(sale, 'the buyer finds the seeded sale running in the session');
      assert.equal(sale.salePriceFen, 2990);
      assert.equal(sale.stock.available, 100);
      assert.ok(sale.startsAtMs <= Date.now() && sale.endsAtMs > Date.now(), 'the sale is open now');
    } finally {
      socket.close();
    }
    // `npm start` again over the same data: nothing is seeded twice, the same session comes back.
    const again = await seedDemo(core.url, core.liveRoomUrl, () => undefined);
    assert.equal(again.sessionId, sessionId);
  });
});
