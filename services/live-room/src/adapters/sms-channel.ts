// The SMS channel: the notices a buyer wants as a text (see domain/sms-templates) go through the
// operator's SMS relay to the phone the gateway holds for the user, once per notice (see
// ClaimedNoticeChannel).
import { isDomainError, type HttpSmsRelay, type Logger, type RpcClient } from '@lc/kit';
import type { Contact, IdentityServiceClient, NoticeView } from '@lc/contracts';
import { smsTextFor } from '../domain/sms-templates.js';
import { ClaimedNoticeChannel, type SendOutcome } from './claimed-channel.js';
import type { NoticeDeliveryStore } from './notice-delivery-store.js';

export class SmsNoticeChannel extends ClaimedNoticeChannel<string> {
  readonly name = 'sms';
  // Development users and users whose phone moved on: nothing to text.
  protected readonly noAddress = 'the user has no phone';

  constructor(
    deliveries: NoticeDeliveryStore,
    identity: RpcClient<IdentityServiceClient>,
    private readonly relay: HttpSmsRelay,
    logger: Logger,
    private readonly signature: string,
  ) {
    super(deliveries, identity, logger);
  }

  protected messageFor(notice: NoticeView): string | undefined {
    return smsTextFor(notice, this.signature);
  }

  protected addressOf(contact: Contact | undefined): string | undefined {
    return contact?.phone || undefined;
  }

  protected async send(phone: string, text: string): Promise<SendOutcome> {
    await this.relay.send(phone, text);
    return { sent: true };
  }

  protected failureOf(err: unknown): string {
    return isDomainError(err) ? 'the SMS relay did not take the message' : (err as Error).message;
  }
}
