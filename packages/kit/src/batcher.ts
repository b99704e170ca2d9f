// Natural batching ("group commit"): calls that arrive while earlier batches are in flight travel
// together in the next one. An idle batcher sends a lone call straight away (after the current I/O
// phase, so calls read from several sockets in one turn of the event loop go together), so it adds
// no waiting when traffic is light; under a spike it turns N round trips, N protobuf frames and N
// statements into one, which is where a flash sale's time went.
import { context, trace, type Context, type Link } from '@opentelemetry/api';

export interface BatcherOptions {
  /** Names the batch span. */
  name: string;
  maxBatch?: number;
  maxInFlight?: number;
}

interface Pending<I, O> {
  item: I;
  ctx: Context;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

const tracer = () => trace.getTracer('livecommerce');

export class Batcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  /**
   * `run` answers a batch in order: one result per item, an Error for an item that failed on its
   * own. A thrown error fails every item of the batch.
   */
  constructor(
    private readonly run: (items: I[]) => Promise<(O | Error)[]>,
    private readonly options: BatcherOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.maxInFlight = options.maxInFlight ?? 4;
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, ctx: context.active(), resolve, reject });
      this.schedule();
    });
  }

  /** Calls queued or in flight (for shutdown and tests). */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || !this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.maxInFlight && this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.inFlight++;
        void this.send(batch).finally(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    });
  }

  /**
   * Sends one batch in a span under the first caller's trace, linked to every caller's span, so
   * each request's trace shows the batch it went out in.
   */
  private async send(batch: Pending<I, O>[]): Promise<void> {
    const links: Link[] = [];
    for (const p of batch) {
      const spanContext = trace.getSpanContext(p.ctx);
      if (spanContext) links.push({ context: spanContext });
    }
    await tracer().startActiveSpan(`${this.options.name} batch`, { links, attributes: { 'batch.size': batch.length } }, batch[0]!.ctx, async (span) => {
      try {
        const results = await this.run(batch.map((p) => p.item));
        if (results.length !== batch.length) throw new Error(`${this.options.name}: ${results.length} results for ${batch.length} items`);
        batch.forEach((p, i) => {
          const r = results[i]!;
          if (r instanceof Error) p.reject(r);
          else p.resolve(r);
        });
      } catch (error) {
        for (const p of batch) p.reject(error);
      } finally {
        span.end();
      }
    });
  }
}
