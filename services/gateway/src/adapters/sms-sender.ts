// Where sign-in codes are sent. Development writes each message to the log and to the dev inbox
// table (the tests and the sign-in page's dev hint read it); production must name a real sender.
import { createHmac } from 'node:crypto';
import { DomainError, type Logger } from '@lc/kit';
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

/**
 * Hands each message to the operator's SMS relay over HTTP: `POST <url>` with JSON `{to, text}`,
 * headers `X-Lc-Timestamp` (ms) and `X-Lc-Signature` = hex HMAC-SHA256(secret, `<timestamp>.<body>`).
 * The relay (in front of whichever SMS provider the operator contracts) answers 2xx once it took
 * the message. Not a provider adapter: no provider's API is imitated here.
 */
export class HttpRelaySmsSender implements SmsSender {
  readonly name = 'http-relay';
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 5000,
  ) {}

  async send(phone: string, text: string): Promise<void> {
    const body = JSON.stringify({ to: phone, text });
    const timestamp = String(Date.now());
    const signature = createHmac('sha256', this.secret).update(`${timestamp}.${body}`).digest('hex');
    let status = 0;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-lc-timestamp': timestamp, 'x-lc-signature': signature },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch (err) {
      this.logger.warn({ phone: maskPhone(phone), err: (err as Error).message }, 'SMS relay unreachable');
    }
    if (status < 200 || status >= 300) {
      if (status) this.logger.warn({ phone: maskPhone(phone), status }, 'SMS relay refused the message');
      throw new DomainError('UNAVAILABLE', 'the code could not be sent right now, try again');
    }
  }
}
