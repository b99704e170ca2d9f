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
import type { NoticeChannel } from './notice-channels.js';

export class Notices {
  /** One budget per pod for every send to a paid channel, over all events being handled. */
  private readonly externalSends: pLimit.Limit;

  constructor(
    private readonly store: NoticeStore,
    private readonly pickupCodes: PickupCodeLookup,
    private readonly inApp: InAppChannel,
    private readonly otherChannels: readonly NoticeChannel[],
    private readonly logger: Logger,
    externalConcurrency = 8,
  ) {
    this.externalSends = pLimit(externalConcurrency);
  }

  /**
   * An event from the bus: records its notices (none on a replay) and delivers the new ones. The
   * in-app push goes out as each notice is recorded; sends to other channels (an HTTP round trip
   * each, hundreds for a failed group buy) run side by side within the pod's budget, and the event
   * is handled once they all ended.
   */
  async fromEvent(subject: string, payload: unknown): Promise<void> {
    const created = await this.store.record(noticesFor(subject, payload));
    const sends: Promise<void>[] = [];
    for (const notice of created) {
      const [view] = await this.withPickupCodes(notice.userId, [notice]);
      const unread = await this.store.unreadCount(notice.userId);
      const json = noticeJson(view!);
      await this.deliverVia(this.inApp, notice.userId, json, unread);
      for (const channel of this.otherChannels) sends.push(this.externalSends(() => this.deliverVia(channel, notice.userId, json, unread)));
    }
    await Promise.all(sends);
  }

  private async deliverVia(channel: NoticeChannel, userId: string, notice: NoticeView, unread: number): Promise<void> {
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

