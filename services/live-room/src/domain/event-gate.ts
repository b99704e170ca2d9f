// A socket's budget of events: a token bucket per connection, so one client cannot keep a pod
// busy with events (chat, media signalling, joins). A socket that keeps sending after being
// refused is flooding rather than bursting, and is told to go. Pure: time is passed in.
export type EventVerdict = 'allow' | 'refuse' | 'disconnect';

export interface EventRate {
  perSecond: number;
  burst: number;
  /** Refusals in a row after which the socket is disconnected. */
  disconnectAfter: number;
}

export class EventGate {
  private tokens: number;
  private refusedInARow = 0;

  constructor(
    private readonly rate: EventRate,
    private atMs: number,
  ) {
    this.tokens = rate.burst;
  }

  admit(nowMs: number): EventVerdict {
    this.tokens = Math.min(this.rate.burst, this.tokens + (Math.max(0, nowMs - this.atMs) / 1000) * this.rate.perSecond);
    this.atMs = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.refusedInARow = 0;
      return 'allow';
    }
    this.refusedInARow += 1;
    return this.refusedInARow >= this.rate.disconnectAfter ? 'disconnect' : 'refuse';
  }
}
