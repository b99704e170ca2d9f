// The operator's SMS relay, one client for every service that texts people (the gateway's sign-in
// codes, live-room's notices), so the signed protocol the relay checks has a single implementation.
import { createHmac } from 'node:crypto';
import { DomainError } from './errors.js';
import type { Logger } from './logger.js';

/** For logs: enough to tell phones apart in one incident, not enough to call anyone. */
export function maskPhone(e164: string): string {
  return `${e164.slice(0, 5)}****${e164.slice(-2)}`;
}

/** The relay's signature of a request: hex HMAC-SHA256(secret, `<timestamp>.<body>`). */
function smsRelaySignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * Hands each message to the operator's SMS relay over HTTP: `POST <url>` with JSON `{to, text}`,
 * headers `X-Lc-Timestamp` (ms) and `X-Lc-Signature` = {@link smsRelaySignature}. The relay (in
 * front of whichever SMS provider the operator contracts) answers 2xx once it took the message. Not
 * a provider adapter: no provider's API is imitated here.
 */
export class HttpSmsRelay {
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 5000,
  ) {}

  /** Resolves once the relay took the message; an UNAVAILABLE refusal carrying `failure` when it did not. */
  async send(phone: string, text: string, failure = 'the message could not be sent right now, try again'): Promise<void> {
    const body = JSON.stringify({ to: phone, text });
    const timestamp = String(Date.now());
    const signature = smsRelaySignature(this.secret, timestamp, body);
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
      throw new DomainError('UNAVAILABLE', failure);
    }
  }
}
