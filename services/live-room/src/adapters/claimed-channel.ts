// What every channel that reaches a user outside the platform (SMS, WeChat) does alike: only the
// kinds it has a message for, each (notice, channel) claimed in Postgres before sending so a
// replayed event or a second pod never sends twice, the user's address asked of the gateway (which
// owns identity), and the outcome recorded. The inbox row stays the durable record: a failure is
// recorded and logged, never thrown back into the event handler.
import type { Logger, RpcClient } from '@lc/kit';
import { NOTICE_KINDS, type Contact, type IdentityServiceClient, type NoticeKind, type NoticeView } from '@lc/contracts';
import type { ExternalNoticeChannel } from '../notice-channels.js';
import type { DeliveryOutcome, NoticeDeliveryStore } from './notice-delivery-store.js';

/** How a send ended when it did not throw: sent, or skipped for the recorded reason. */
export type SendOutcome = { sent: true } | { skipped: string };

export abstract class ClaimedNoticeChannel<M> implements ExternalNoticeChannel {
  abstract readonly name: string;
  private sentKinds: readonly NoticeKind[] | undefined;

  constructor(
    private readonly deliveries: NoticeDeliveryStore,
    private readonly identity: RpcClient<IdentityServiceClient>,
    protected readonly logger: Logger,
  ) {}

  /** This channel's message for `notice`, or undefined when the kind is not sent through it. */
  protected abstract messageFor(notice: NoticeView): M | undefined;
  /** Where this channel reaches the user, or undefined (recorded as skipped with `noAddress`). */
  protected abstract addressOf(contact: Contact | undefined): string | undefined;
  protected abstract readonly noAddress: string;
  /** Sends; a throw is recorded as failed with {@link failureOf}'s detail. */
  protected abstract send(address: string, message: M, notice: NoticeView): Promise<SendOutcome>;
  protected abstract failureOf(err: unknown): string;

  /** Read off the templates (a kind is sent when it has a message), so the two cannot drift apart. */
  get kinds(): readonly NoticeKind[] {
    this.sentKinds ??= NOTICE_KINDS.filter((kind) => this.messageFor({ id: '', kind, title: '', body: '', orderId: null, refundFen: null, pickupCode: null, pickupPointName: null, read: false, createdAt: '' }) !== undefined);
    return this.sentKinds;
  }

  async deliver(userId: string, notice: NoticeView): Promise<void> {
    const message = this.messageFor(notice);
    if (message === undefined) return;
    const claim = await this.deliveries.claim(notice.id, this.name);
    if (!claim) return;
    // Renewed while this pod works on it (a WeChat send may wait on a token refresh twice), so only
    // a pod that died loses it; a renewal that finds it taken over can only be logged, as the send
    // cannot be called back.
    const renewal = setInterval(() => {
      this.deliveries.extend(claim).then(
        (held) => held || this.logger.warn({ noticeId: notice.id, channel: this.name }, 'notice delivery claim taken over while sending'),
        (err: unknown) => this.logger.warn({ err: (err as Error).message, noticeId: notice.id, channel: this.name }, 'notice delivery claim not renewed'),
      );
    }, Math.max(100, Math.floor(this.deliveries.leaseMs / 3)));
    try {
      await this.sendClaimed(userId, notice, message, (status, detail) => this.deliveries.finish(claim, status, detail));
    } finally {
      clearInterval(renewal);
    }
  }

  private async sendClaimed(userId: string, notice: NoticeView, message: M, finish: (status: DeliveryOutcome, detail?: string) => Promise<void>): Promise<void> {
    let contact: Contact | undefined;
    try {
      const { contacts } = await this.identity.call((c) => c.getContacts, { userIds: [userId] }, { idempotent: true });
      contact = contacts.find((c) => c.userId === userId);
    } catch (err) {
      await finish('failed', 'contact lookup at the gateway failed');
      this.logger.warn({ err: (err as Error).message, noticeId: notice.id, kind: notice.kind, channel: this.name }, 'notice not sent: contact lookup failed');
      return;
    }
    const address = this.addressOf(contact);
    if (!address) {
      await finish('skipped', this.noAddress);
      return;
    }
    let outcome: SendOutcome;
    try {
      outcome = await this.send(address, message, notice);
    } catch (err) {
      await finish('failed', this.failureOf(err));
      this.logger.warn({ noticeId: notice.id, kind: notice.kind, channel: this.name, err: (err as Error).message }, 'notice not sent');
      return;
    }
    if ('skipped' in outcome) await finish('skipped', outcome.skipped);
    else await finish('sent');
  }
}
