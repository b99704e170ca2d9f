// A delivery day run through the public API as the people who do it: warehouse staff close the
// wave, plan routes, pack every bag and dispatch; each driver arrives at their stops, which makes
// the parcels ready for pickup.
import assert from 'node:assert/strict';
import { Api, STAFF_OF } from './api.js';
import { poll } from './poll.js';

/** Shanghai's wh-1 as the console tests stage it: two vans of four, two drivers. */
export const SHANGHAI_DC = {
  id: 'wh-1', name: '上海仓 Shanghai DC', lat: 31.2304, lng: 121.4737, timeZone: 'Asia/Shanghai', shiftStart: '06:00', shiftEnd: '20:00', cutoff: '22:00',
  driverIds: ['driver-1', 'driver-2'], vehicles: [{ id: 'van-1', capacity: 4 }, { id: 'van-2', capacity: 4 }],
};

/** Three leaders' pickup points around it: [leaderId, pickup point id, lat, lng]. */
export const SHANGHAI_POINTS = [
  ['leader-1', 'pp-1', 31.2397, 121.4998],
  ['leader-2', 'pp-2', 31.2204, 121.4465],
  ['leader-3', 'pp-3', 31.195, 121.437],
] as const;

/** Creates SHANGHAI_DC (as warehouse-1) and each leader's pickup point (as that leader). */
export async function openShanghaiDc(base: string): Promise<void> {
  const warehouse = await (await Api.login(base, 'warehouse-1')).post('/api/v1/warehouses', SHANGHAI_DC);
  assert.equal(warehouse.status, 201, JSON.stringify(warehouse.body));
  for (const [leaderId, id, lat, lng] of SHANGHAI_POINTS) {
    const leader = await Api.login(base, leaderId);
    const r = await leader.post('/api/v1/pickup-points', { id, warehouseId: 'wh-1', name: `${leaderId} 自提点`, address: `${id} 弄`, lat, lng, opensAt: '08:00', closesAt: '20:00', serviceMinutes: 5 });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
}

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
