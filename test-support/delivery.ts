// A delivery day run through the public API as the people who do it: warehouse staff close the
// wave, plan routes, pack every bag and dispatch; each driver arrives at their stops, which makes
// the parcels ready for pickup.
import assert from 'node:assert/strict';
import { Api, STAFF_OF } from './api.js';
import { poll } from './poll.js';

/** The open wave of the warehouse holding `orderId`'s day, once the order has joined it. */
export async function waveWithOrders(base: string, warehouseId: string, count: (wave: { orderCount: number; status: string }) => boolean) {
  const staff = await Api.login(base, STAFF_OF[warehouseId]!);
  return poll('the wave to fill', async () => {
    const { body } = await staff.get(`/api/v1/waves?warehouseId=${warehouseId}`);
    return (body.waves as { id: string; deliveryDate: string; orderCount: number; status: string }[] | undefined)?.find((w) => w.status === 'OPEN' && count(w));
  });
}

/** Closes the day's wave and runs it to arrival at every pickup point; answers the wave's pick lists. */
export async function deliverWave(base: string, warehouseId: string, deliveryDate: string) {
  const staff = await Api.login(base, STAFF_OF[warehouseId]!);
  const closed = await staff.post('/api/v1/waves', { warehouseId, deliveryDate });
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  const waveId = closed.body.id as string;
  const lists = await staff.get(`/api/v1/waves/${waveId}/pick-lists`);
  assert.equal(lists.status, 200, JSON.stringify(lists.body));
  for (const l of lists.body.pickLists) {
    for (const b of l.bags) assert.equal((await staff.post(`/api/v1/bags/${b.id}/packed`)).status, 200);
  }
  const planned = await staff.post(`/api/v1/waves/${waveId}/routes`, { timeLimitMs: 500, wait: true });
  assert.ok(planned.status === 200 || planned.status === 202, JSON.stringify(planned.body));
  const plan = await poll('the route plan', async () => {
    const r = await staff.get(`/api/v1/route-plans/${planned.body.id}`);
    return r.body.status === 'PLANNING' ? undefined : r.body;
  }, 60_000);
  assert.equal(plan.status, 'DONE', JSON.stringify(plan));
  for (const route of plan.routes) {
    assert.equal((await staff.post(`/api/v1/routes/${route.id}/dispatch`)).status, 200);
    const driver = await Api.login(base, route.driverId);
    for (const stop of route.stops) assert.equal((await driver.post(`/api/v1/stops/${stop.id}/arrived`)).status, 200);
  }
  return { waveId, pickLists: lists.body.pickLists as { pickupPointId: string; bags: { id: string; orderId: string }[] }[], unassignedOrderIds: lists.body.unassignedOrderIds as string[] };
}
