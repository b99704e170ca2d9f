// Bookkeeping shared by the cluster and the rooms: a worker slot (one mediasoup worker and its
// WebRtcServer on a fixed port) and the routers living on it with their viewer load.
import type { types } from 'mediasoup';

export interface WorkerSlot {
  readonly index: number;
  /** UDP and TCP port of this slot's WebRtcServer; stable across worker restarts. */
  readonly port: number;
  /** Undefined while the worker is (re)starting. */
  worker: types.Worker | undefined;
  webRtcServer: types.WebRtcServer | undefined;
  readonly routers: Set<RouterHandle>;
}

export type RouterRole = 'origin' | 'edge';

export interface RouterHandle {
  readonly router: types.Router;
  readonly slot: WorkerSlot;
  /** The WebRtcServer of the worker this router was created on (transports must use that one). */
  readonly webRtcServer: types.WebRtcServer;
  readonly role: RouterRole;
  readonly sessionId: string;
  /** Viewer consumers on this router (pipe consumers feeding edges are not counted). */
  consumers: number;
}

export function slotConsumers(slot: WorkerSlot): number {
  let total = 0;
  for (const handle of slot.routers) total += handle.consumers;
  return total;
}

export function slotAvailable(slot: WorkerSlot): slot is WorkerSlot & { worker: types.Worker; webRtcServer: types.WebRtcServer } {
  return slot.worker !== undefined && slot.webRtcServer !== undefined && !slot.worker.closed;
}

/** The slot to put a new router on: fewest consumers, then fewest routers, then lowest index. */
export function leastLoadedSlot(slots: readonly WorkerSlot[], exclude: ReadonlySet<WorkerSlot> = new Set()): WorkerSlot | undefined {
  let best: WorkerSlot | undefined;
  for (const slot of slots) {
    if (!slotAvailable(slot) || exclude.has(slot)) continue;
    if (
      best === undefined ||
      slotConsumers(slot) < slotConsumers(best) ||
      (slotConsumers(slot) === slotConsumers(best) && slot.routers.size < best.routers.size)
    ) {
      best = slot;
    }
  }
  return best;
}
