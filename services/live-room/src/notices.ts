// The inbox: events become notices once per user and source event and go out through the
// channels; a user lists, counts and marks only their own. READY_FOR_PICKUP notices get their
// pickup code from fulfillment whenever they are shown.
import pLimit from 'p-limit';
import { DomainError, type Logger } from '@lc/kit';
import { NOTICE_PAGE, noticeJson, type Notice, type NoticeView } from '@lc/contracts';
import { noticesFor } from './domain/notice-rules.js';
import type { NoticeStore } from './adapters/notice-store.js';
import type { PickupCodeLookup } from './adapters/pickup-code-lookup.js';
import type { InAppChannel } from './adapters/in-app-channel.js';
import type { ExternalNoticeChannel, NoticeChannel } from './notice-channels.js';

/** How the inbox hands notices to channels outside the platform. */
export interface ExternalDelivery {
  /** Sends in flight at once on this pod, over every event being handled. */
  concurrency: number;
  /** A claim not renewed for this long was left by a dead pod (see NoticeDeliveryStore). */
  leaseMs: number;
  /** Notices older than this are not sent any more when recovered. */
  maxAgeMs: number;
}

/** Owed notices looked at per query while recovering, and queries per channel in one pass. */
const RECOVERY_PAGE = 100;
const RECOVERY_PAGES_PER_PASS = 10;

export class Notices {
  /** One budget per pod for every send to a paid channel, over all events being handled. */
  private readonly externalSends: pLimit.Limit;

  constructor(
    private readonly store: NoticeStore,
    private readonly pickupCodes: PickupCodeLookup,
    private readonly inApp: InAppChannel,
    private readonly external: readonly ExternalNoticeChannel[],
    private readonly logger: Logger,
    private readonly delivery: ExternalDelivery = { concurrency: 8, leaseMs: 30_000, maxAgeMs: 2 * 3600_000 },
  ) {
    this.externalSends = pLimit(delivery.concurrency);
  }

  /**
   * An event from the bus: records its notices (none on a replay) and delivers the new ones. The
   * in-app push goes out as each notice is recorded; sends to other channels (an HTTP round trip
   * each, hundreds for a failed group buy) run side by side within the pod's budget, and the event
   * is handled once they all ended. An event handled before (its pod may have died before acking)
   * also sends what the channels still owe for the notices it recorded then.
   */
  async fromEvent(subject: string, payload: unknown): Promise<void> {
    const drafts = noticesFor(subject, payload);
    const created = await this.store.record(drafts);
    const sends: Promise<void>[] = [];
    for (const notice of created) {
      const [view] = await this.withPickupCodes(notice.userId, [notice]);
      const unread = await this.store.unreadCount(notice.userId);
      const json = noticeJson(view!);
      await this.deliverVia(this.inApp, notice.userId, json, unread);
      for (const channel of this.external) sends.push(this.externalSends(() => this.deliverVia(channel, notice.userId, json)));
    }
    if (created.length < drafts.length) {
      const fresh = new Set(created.map((n) => n.id));
      const sources = drafts.map((d) => ({ userId: d.userId, sourceKey: d.sourceKey }));
      for (const channel of this.external) {
        const owed = await this.store.owed(channel.name, channel.kinds, { leaseMs: this.delivery.leaseMs, maxAgeMs: this.delivery.maxAgeMs, sources, limit: drafts.length });
        sends.push(this.sendOwed(channel, owed.filter((n) => !fresh.has(n.id))));
      }
    }
    await Promise.all(sends);
  }

  /**
   * Sends what the channels owe for recent notices that no event will bring back: recorded by a
   * pod that died before sending, or claimed by one that died before finishing. Safe on every pod
   * at once (each send is claimed); returns how many notices were handed to a channel.
   */
  async recoverDeliveries(): Promise<number> {
    let handed = 0;
    for (const channel of this.external) {
      // Bounded: a notice whose claim keeps failing (Postgres briefly away) is owed again next page.
      for (let page = 0; page < RECOVERY_PAGES_PER_PASS; page++) {
        // Younger than a lease: the pod that recorded it may still be working through its batch.
        const owed = await this.store.owed(channel.name, channel.kinds, { leaseMs: this.delivery.leaseMs, maxAgeMs: this.delivery.maxAgeMs, minAgeMs: this.delivery.leaseMs, limit: RECOVERY_PAGE });
        await this.sendOwed(channel, owed);
        handed += owed.length;
        if (owed.length < RECOVERY_PAGE) break;
      }
    }
    if (handed) this.logger.info({ handed }, 'unfinished notice deliveries recovered');
    return handed;
  }

  private async sendOwed(channel: ExternalNoticeChannel, owed: Notice[]): Promise<void> {
    await Promise.all(
      owed.map((notice) =>
        this.externalSends(async () => {
          const [view] = await this.withPickupCodes(notice.userId, [notice]);
          await this.deliverVia(channel, notice.userId, noticeJson(view!));
        }),
      ),
    );
  }

  private async deliverVia(channel: NoticeChannel, userId: string, notice: NoticeView, unread = 0): Promise<void> {
    // The inbox row is the durable record: a channel that fails is logged, not retried here.
    await channel.deliver(userId, notice, unread).catch((err: unknown) => this.logger.warn({ err, channel: channel.name, kind: notice.kind }, 'notice not delivered'));
  }

  async list(userId: string, opts: { limit?: number; cursor?: string; unreadOnly?: boolean }) {
    const limit = opts.limit || NOTICE_PAGE.defaultLimit;
    if (!Number.isInteger(limit) || limit < 1 || limit > NOTICE_PAGE.maxLimit) throw new DomainError('INVALID_ARGUMENT', `limit: from 1 to ${NOTICE_PAGE.maxLimit}`);
    if (opts.cursor && !/^[0-9]{1,18}$/.test(opts.cursor)) throw new DomainError('INVALID_ARGUMENT', 'cursor: not a cursor from an earlier page');
    const [page, unreadCount] = await Promise.all([
      this.store.page(userId, { limit, unreadOnly: opts.unreadOnly ?? false, ...(opts.cursor ? { beforeSeq: opts.cursor } : {}) }),
      this.store.unreadCount(userId),
    ]);
    return { notices: await this.withPickupCodes(userId, page.notices), unreadCount, nextCursor: page.nextCursor };
  }

  unreadCount(userId: string): Promise<number> {
    return this.store.unreadCount(userId);
  }

  async markRead(userId: string, target: { ids: string[] } | 'all'): Promise<{ marked: number; unreadCount: number }> {
    if (target !== 'all') {
      if (!target.ids.length || target.ids.length > NOTICE_PAGE.maxMarkIds) throw new DomainError('INVALID_ARGUMENT', `ids: from 1 to ${NOTICE_PAGE.maxMarkIds} notification ids`);
      if (!target.ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))) throw new DomainError('INVALID_ARGUMENT', 'ids: each must be a UUID');
    }
    const marked = target === 'all' ? await this.store.markAllRead(userId) : await this.store.markRead(userId, target.ids);
    const unreadCount = await this.store.unreadCount(userId);
    if (marked > 0) this.inApp.unreadChanged(userId, unreadCount);
    return { marked, unreadCount };
  }

  private async withPickupCodes(userId: string, notices: Notice[]): Promise<Notice[]> {
    if (!notices.some((n) => n.kind === 'READY_FOR_PICKUP')) return notices;
    const waiting = await this.pickupCodes.waitingParcels(userId);
    return notices.map((n) => {
      const parcel = n.kind === 'READY_FOR_PICKUP' ? waiting.get(n.orderId) : undefined;
      return parcel ? { ...n, pickupCode: parcel.code, pickupPointName: parcel.pickupPointName } : n;
    });
  }
}

