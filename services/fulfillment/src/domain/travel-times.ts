// Travel times between places, behind one interface: great-circle distance with a road factor at
// an average speed by default; adapters/osrm-travel-times.ts asks a road network when configured.

export interface LatLng {
  lat: number;
  lng: number;
}

/** Square matrices over the given points: seconds and metres. */
export interface TravelMatrix {
  durations: number[][];
  distances: number[][];
}

export interface TravelTimeProvider {
  readonly name: string;
  matrix(points: LatLng[]): Promise<TravelMatrix>;
}

const EARTH_RADIUS_M = 6_371_008.8;

export function haversineMetres(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export class GreatCircleTravelTimes implements TravelTimeProvider {
  readonly name = 'great-circle';

  /** Roads are rarely straight (1.3 is a common urban detour factor); 30 km/h is city driving. */
  constructor(private readonly roadFactor = 1.3, private readonly speedKmh = 30) {}

  async matrix(points: LatLng[]): Promise<TravelMatrix> {
    const distances = points.map((a) => points.map((b) => Math.round(haversineMetres(a, b) * this.roadFactor)));
    const metresPerSecond = (this.speedKmh * 1000) / 3600;
    return { distances, durations: distances.map((row) => row.map((m) => Math.round(m / metresPerSecond))) };
  }
}
