// Travel times from an OSRM-compatible road router's `table` service
// (GET {base}/table/v1/driving/{lng,lat;...}?annotations=duration,distance).
import type { LatLng, TravelMatrix, TravelTimeProvider } from '../domain/travel-times.js';

export class OsrmTravelTimes implements TravelTimeProvider {
  readonly name = 'osrm';

  constructor(private readonly baseUrl: string, private readonly timeoutMs = 10_000) {}

  async matrix(points: LatLng[]): Promise<TravelMatrix> {
    const coords = points.map((p) => `${p.lng.toFixed(6)},${p.lat.toFixed(6)}`).join(';');
    const url = `${this.baseUrl.replace(/\/$/, '')}/table/v1/driving/${coords}?annotations=duration,distance`;
    const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`OSRM table answered ${res.status}`);
    const body = (await res.json()) as { code?: string; durations?: (number | null)[][]; distances?: (number | null)[][] };
    if (body.code !== 'Ok' || !body.durations || !body.distances) throw new Error(`OSRM table failed: ${body.code ?? 'no code'}`);
    // An unroutable pair comes back as null: make it too long to ever be chosen.
    const clean = (m: (number | null)[][]) => m.map((row) => row.map((v) => (v === null ? 1e9 : Math.round(v))));
    return { durations: clean(body.durations), distances: clean(body.distances) };
  }
}
