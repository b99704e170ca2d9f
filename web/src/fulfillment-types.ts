// Fulfillment shapes as the gateway returns them (services/gateway/src/routes/fulfillment-routes.ts).
export interface Stop {
  id: string;
  routeId: string;
  sequence: number;
  pickupPointId: string;
  pickupPointName: string;
  lat: number;
  lng: number;
  plannedArrivalAtMs: number;
  etaAtMs: number;
  windowStartAtMs: number;
  windowEndAtMs: number;
  status: string;
  arrivedAtMs: number;
  handedOverAtMs: number;
  receivedAtMs: number;
  bagCount: number;
}

export interface Route {
  id: string;
  planId: string;
  waveId: string;
  warehouseId: string;
  vehicleId: string;
  driverId: string;
  status: string;
  startAtMs: number;
  endAtMs: number;
  distanceM: number;
  load: number;
  stops: Stop[];
  dispatchedAtMs: number;
  completedAtMs: number;
}

export interface RoutePlan {
  id: string;
  waveId: string;
  status: string;
  progress?: { elapsedMs: number; vehicles: number; distance: number; phase: string };
  routes: Route[];
  unserved: { pickupPointId: string; reason: string; detail: string }[];
  error: string;
  timeLimitMs: number;
}

export interface Wave {
  id: string;
  warehouseId: string;
  deliveryDate: string;
  status: string;
  cutoffAtMs: number;
  closedAtMs: number;
  orderCount: number;
}

export interface Bag {
  id: string;
  orderId: string;
  waveId: string;
  pickupPointId: string;
  label: string;
  skuId: string;
  qty: number;
  status: string;
  buyerId: string;
  deliveryDate: string;
  routeId: string;
  stopId: string;
  packedAtMs: number;
  dispatchedAtMs: number;
  arrivedAtMs: number;
  pickedUpAtMs: number;
}

export interface PickList {
  pickupPointId: string;
  pickupPointName: string;
  leaderId: string;
  address: string;
  skuTotals: { skuId: string; qty: number; bagCount: number }[];
  bags: Bag[];
}

export interface Warehouse {
  id: string;
  name: string;
  lat: number;
  lng: number;
  timeZone: string;
}

export const STOP_STATUS: Record<string, { label: string; color: string }> = {
  PENDING: { label: '待到达 Pending', color: '#8a8f98' },
  ARRIVED: { label: '已到达 Arrived', color: '#ff7a00' },
  HANDED_OVER: { label: '已交接 Handed over', color: '#2b6de0' },
  RECEIVED: { label: '团长已签收 Received', color: '#1a9b55' },
};

export const BAG_STATUS: Record<string, string> = {
  PENDING: '待打包 To pack',
  PACKED: '已打包 Packed',
  OUT_FOR_DELIVERY: '配送中 On the way',
  DISPATCHED: '配送中 On the way',
  ARRIVED: '已到达 Arrived',
  READY_FOR_PICKUP: '待提货 Ready',
  PICKED_UP: '已提货 Picked up',
  CANCELLED: '已取消 Cancelled',
};
