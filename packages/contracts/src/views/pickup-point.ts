// A pickup point as a buyer chooses it (GET /api/v1/pickup-points, GET/PUT /api/v1/me/pickup-point).

export interface PickupPointChoiceView {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  warehouseId: string;
  leaderId: string;
  /** Receiving and pickup hours, local HH:MM in the warehouse's zone. */
  opensAt: string;
  closesAt: string;
  dailyCapacity: number;
  /** Metres from the location asked about (0 without one). */
  distanceM: number;
  /** The delivery day an order paid now joins, and the parcels the point can still take then. */
  deliveryDate: string;
  remainingCapacity: number;
}

/** The buyer's point: CHOSEN by them, their LEADER's, or NONE (orders are refused until they choose). */
export interface MyPickupPointView {
  source: 'CHOSEN' | 'LEADER' | 'NONE';
  pickupPoint: PickupPointChoiceView | null;
}
