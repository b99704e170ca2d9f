// Where sign-in codes are sent. Development writes each message to the log and to the dev inbox
// table (the tests and the sign-in page's dev hint read it); production must name a real sender.
import { HttpSmsRelay, type Logger } from '@lc/kit';
import { maskPhone } from '../domain/phone.js';
import type { IdentityStore } from './identity-store.js';

export interface SmsSender {
  readonly name: string;
  /** Resolves once the message is handed over; an UNAVAILABLE refusal when it could not be. */
  send(phone: string, text: string): Promise<void>;
}

export class DevInboxSmsSender implements SmsSender {
  readonly name = 'dev-inbox';
  constructor(private readonly store: IdentityStore, private readonly logger: Logger) {}

  async send(phone: string, text: string): Promise<void> {
    await this.store.addToDevInbox(phone, text);
    // Development only (production refuses to start with this sender), so the code may show here.
    this.logger.info({ phone: maskPhone(phone), text }, 'dev SMS sent (development inbox)');
  }
}

/** Sign-in codes through the operator's SMS relay (the signed protocol lives in the kit). */
export class HttpRelaySmsSender implements SmsSender {
  readonly name = 'http-relay';
  private readonly relay: HttpSmsRelay;
  constructor(url: string, secret: string, logger: Logger, timeoutMs = 5000) {
    this.relay = new HttpSmsRelay(url, secret, logger, timeoutMs);
  }

  send(phone: string, text: string): Promise<void> {
    return this.relay.send(phone, text, 'the code could not be sent right now, try again');
  }
}
