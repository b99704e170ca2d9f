// What every channel that reaches a user outside the platform (SMS, WeChat) does alike: only the
// kinds it has a message for, each (notice, channel) claimed in Postgres before sending so a
// replayed event or a second pod never sends twice, the user's address asked of the gateway (which
// owns identity), and the outcome recorded. The inbox row stays the durable record: a failure is
// recorded and logged, never thrown back into the event handler.
import type { Logger, RpcClient } from '@lc/kit';
import type { Contact, IdentityServiceClient, NoticeView } from '@lc/contracts';
import type { NoticeChannel } from '../notice-channels.js';
import type { NoticeDeliveryStore } from './notice-delivery-store.js';

/** How a send ended when it did not throw: sent, or skipped for the recorded reason. */
export type SendOutcome = { sent: true } | { skipped: string };

export abstract class ClaimedNoticeChannel<M> implements NoticeChannel {
  abstract readonly name: string;

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

  async deliver(userId: string, notice: NoticeView): Promise<void> {
    const message = this.messageFor(notice);
    if (message === undefined) return;
    if (!(await this.deliveries.claim(notice.id, this.name))) return;
    let contact: Contact | undefined;
    try {
      const { contacts } = await this.identity.call((c) => c.getContacts, { userIds: [userId] }, { idempotent: true });
      contact = contacts.find((c) => c.userId === userId);
    } catch (err) {
      await this.deliveries.finish(notice.id, this.name, 'failed', 'contact lookup at the gateway failed');
      this.logger.warn({ err: (err as Error).message, noticeId: notice.id, kind: notice.kind, channel: this.name }, 'notice not sent: contact lookup failed');
      return;
    }
    const address = this.addressOf(contact);
    if (!address) {
      await this.deliveries.finish(notice.id, this.name, 'skipped', this.noAddress);
      return;
    }
    let outcome: SendOutcome;
    try {
      outcome = await this.send(address, message, notice);
    } catch (err) {
      await this.deliveries.finish(notice.id, this.name, 'failed', this.failureOf(err));
      this.logger.warn({ noticeId: notice.id, kind: notice.kind, channel: this.name, err: (err as Error).message }, 'notice not sent');
      return;
    }
    if ('skipped' in outcome) await this.deliveries.finish(notice.id, this.name, 'skipped', outcome.skipped);
    else await this.deliveries.finish(notice.id, this.name, 'sent');
  }
}
