// The SMS channel: the notices a buyer wants as a text (see domain/sms-templates) go through the
// operator's SMS relay to the phone the gateway holds for the user. Each (notice, channel) is
// claimed in Postgres before sending, so a replayed event or a second pod never texts twice; a
// failed send is recorded and logged, and the inbox row stays the durable record.
import { isDomainError, maskPhone, type HttpSmsRelay, type Logger, type RpcClient } from '@lc/kit';
import type { IdentityServiceClient, NoticeView } from '@lc/contracts';
import { smsTextFor } from '../domain/sms-templates.js';
import type { NoticeChannel } from '../notice-channels.js';
import type { NoticeDeliveryStore } from './notice-delivery-store.js';

export class SmsNoticeChannel implements NoticeChannel {
  readonly name = 'sms';

  constructor(
    private readonly deliveries: NoticeDeliveryStore,
    private readonly identity: RpcClient<IdentityServiceClient>,
    private readonly relay: HttpSmsRelay,
    private readonly logger: Logger,
  ) {}

  async deliver(userId: string, notice: NoticeView): Promise<void> {
    const text = smsTextFor(notice);
    if (!text) return;
    if (!(await this.deliveries.claim(notice.id, this.name))) return;
    let phone: string | undefined;
    try {
      const { contacts } = await this.identity.call((c) => c.getContacts, { userIds: [userId] }, { idempotent: true });
      phone = contacts.find((c) => c.userId === userId)?.phone;
    } catch (err) {
      await this.deliveries.finish(notice.id, this.name, 'failed', 'phone lookup at the gateway failed');
      this.logger.warn({ err: (err as Error).message, noticeId: notice.id, kind: notice.kind }, 'SMS notice not sent: phone lookup failed');
      return;
    }
    if (!phone) {
      // Development users and users whose phone moved on: nothing to text.
      await this.deliveries.finish(notice.id, this.name, 'skipped', 'the user has no phone');
      return;
    }
    try {
      await this.relay.send(phone, text);
    } catch (err) {
      await this.deliveries.finish(notice.id, this.name, 'failed', isDomainError(err) ? 'the SMS relay did not take the message' : (err as Error).message);
      this.logger.warn({ phone: maskPhone(phone), noticeId: notice.id, kind: notice.kind }, 'SMS notice not sent');
      return;
    }
    await this.deliveries.finish(notice.id, this.name, 'sent');
  }
}
