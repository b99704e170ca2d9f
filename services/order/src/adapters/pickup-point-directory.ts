// The pickup points fulfillment knows (id, leader, serving warehouse), kept in memory so a
// placement checks where its parcel goes without a call: a region has hundreds to a few thousand
// points and they change rarely. Reloaded in the background, and at once (one load for everyone
// asking together) when a placement names a point or leader the copy does not know yet; only
// refusals and a point's first orders pay for that.
import { DomainError, type Logger, type RpcClient } from '@lc/kit';
import type { FulfillmentServiceClient, PickupPointRef } from '@lc/contracts';

interface Snapshot {
  byId: Map<string, PickupPointRef>;
  byLeader: Map<string, PickupPointRef>;
}

export class PickupPointDirectory {
  private snapshot: Snapshot | undefined;
  private loading: Promise<Snapshot> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fulfillment: RpcClient<FulfillmentServiceClient>,
    private readonly logger: Logger,
    private readonly opts: { refreshMs: number },
  ) {}

  /** Loads in the background and keeps reloading; a failed load is retried by the next ask. */
  start(): void {
    const refresh = () => this.reload().catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'pickup point directory not refreshed'));
    void refresh();
    this.timer = setInterval(refresh, this.opts.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The point, or undefined when fulfillment does not know it (after one fresh look). */
  async point(id: string): Promise<PickupPointRef | undefined> {
    return (await this.lookup((s) => s.byId.get(id)));
  }

  /** The leader's pickup point, if they have one. */
  async ofLeader(leaderId: string): Promise<PickupPointRef | undefined> {
    if (!leaderId) return undefined;
    return this.lookup((s) => s.byLeader.get(leaderId));
  }

  private async lookup(find: (s: Snapshot) => PickupPointRef | undefined): Promise<PickupPointRef | undefined> {
    const current = this.snapshot ?? (await this.reloadOrUnavailable());
    const hit = find(current);
    if (hit) return hit;
    // A point created since the last load: look again, once for everyone asking now.
    return find(await this.reloadOrUnavailable());
  }

  private async reloadOrUnavailable(): Promise<Snapshot> {
    try {
      return await this.reload();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'pickup point directory unavailable');
      throw new DomainError('UNAVAILABLE', 'pickup points are briefly unavailable, try again');
    }
  }

  private reload(): Promise<Snapshot> {
    this.loading ??= (async () => {
      try {
        const { pickupPoints } = await this.fulfillment.call((c) => c.listPickupPoints, {}, { idempotent: true, deadlineMs: 5000 });
        const snapshot: Snapshot = { byId: new Map(), byLeader: new Map() };
        for (const p of pickupPoints) {
          snapshot.byId.set(p.id, p);
          snapshot.byLeader.set(p.leaderId, p);
        }
        this.snapshot = snapshot;
        return snapshot;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
