// Travel-time providers: great-circle with a road factor, and an OSRM-compatible table API served
// by a tiny local HTTP server answering as OSRM does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { OsrmTravelTimes } from '../src/adapters/osrm-travel-times.js';
import { GreatCircleTravelTimes } from '../src/domain/travel-times.js';

describe('travel times', () => {
  let server: Server;
  let base = '';
  const asked: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      const coords = decodeURIComponent((req.url ?? '').split('/driving/')[1]!.split('?')[0]!).split(';');
      const n = coords.length;
      const m = (f: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : i === 0 && j === n - 1 ? null : f * Math.abs(i - j))));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ code: 'Ok', durations: m(60.4), distances: m(500.2) }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  it('osrm - asks the table service with lng,lat pairs and reads durations and distances', async () => {
    const t = await new OsrmTravelTimes(base).matrix([{ lat: 31.23, lng: 121.47 }, { lat: 31.24, lng: 121.5 }, { lat: 31.2, lng: 121.44 }]);
    assert.equal(asked[0], '/table/v1/driving/121.470000,31.230000;121.500000,31.240000;121.440000,31.200000?annotations=duration,distance');
    assert.deepEqual(t.durations[1], [60, 0, 60]);
    assert.deepEqual(t.distances[2], [1000, 500, 0]);
    assert.equal(t.durations[0]![2], 1e9, 'an unroutable pair is never chosen');
  });

  it('great-circle - Shanghai People\'s Square to the Bund with the road factor at 30 km/h', async () => {
    const t = await new GreatCircleTravelTimes(1.3, 30).matrix([{ lat: 31.2304, lng: 121.4737 }, { lat: 31.2400, lng: 121.4900 }]);
    const straight = 1890; // metres, roughly
    assert.ok(Math.abs(t.distances[0]![1]! - straight * 1.3) < 100, String(t.distances[0]![1]));
    assert.equal(t.durations[0]![1], Math.round(t.distances[0]![1]! / (30_000 / 3600)));
  });
});
