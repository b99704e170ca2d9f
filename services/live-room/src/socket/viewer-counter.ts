// Viewer counts per session across pods: each pod reports its own count to Redis and, when it
// changed, broadcasts the total at most once a second (a join storm is one broadcast, not thousands).
import type { Server } from 'socket.io';
import type { Logger } from '@lc/kit';
import type { RoomState } from '../adapters/room-state.js';
import { rooms } from './room-names.js';

const BROADCAST_INTERVAL_MS = 1000;
/** Pods refresh their counts well within the store's 30 s staleness limit. */
const REFRESH_EVERY_TICKS = 10;

export class ViewerCounter {
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  constructor(
    private readonly io: Server,
    private readonly state: RoomState,
    private readonly podId: string,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), BROADCAST_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  changed(sessionId: string): void {
    this.dirty.add(sessionId);
  }

  localCount(sessionId: string): number {
    return this.io.of('/').adapter.rooms.get(rooms.session(sessionId))?.size ?? 0;
  }

  private async tick(): Promise<void> {
    this.ticks += 1;
    const refresh = this.ticks % REFRESH_EVERY_TICKS === 0;
    const due = new Set(this.dirty);
    this.dirty.clear();
    if (refresh) {
      for (const room of this.io.of('/').adapter.rooms.keys()) if (room.startsWith('session:')) due.add(room.slice('session:'.length));
    }
    for (const sessionId of due) {
      try {
        const count = await this.state.reportViewers(sessionId, this.podId, this.localCount(sessionId), Date.now());
        this.io.to(rooms.session(sessionId)).emit('session:viewers', { sessionId, count });
      } catch (err) {
        this.logger.warn({ err, sessionId }, 'viewer count not reported');
      }
    }
  }
}
