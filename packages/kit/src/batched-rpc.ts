// Both ends of a batched RPC (a repeated request answered by a repeated oneof of response or
// ItemError). Each item carries its own request's trace context, so every buyer's request stays
// one trace even though it shared a round trip with others.
import { SpanKind } from '@opentelemetry/api';
import { Batcher, type BatcherOptions } from './batcher.js';
import { asTransient, fromItemError, isDomainError, toItemError, type ItemError } from './errors.js';
import type { Logger } from './logger.js';
import { captureTraceContext, inSpan, restoreTraceContext, type TraceCarrier } from './trace-context.js';

export interface BatchItem<Req> {
  request?: Req | undefined;
  trace: TraceCarrier;
}

export interface BatchReply<Res> {
  result?: { $case: 'response'; value: Res } | { $case: 'error'; value: ItemError } | undefined;
}

/** The calling end: `call` looks like the unary call, and calls made together travel together. */
export class BatchedRpc<Req, Res> {
  private readonly batcher: Batcher<BatchItem<Req>, Res>;

  constructor(send: (items: BatchItem<Req>[]) => Promise<BatchReply<Res>[]>, options: BatcherOptions) {
    this.batcher = new Batcher<BatchItem<Req>, Res>(async (items) => {
      const replies = await send(items);
      return replies.map((r) =>
        r.result?.$case === 'response' ? r.result.value : fromItemError(r.result?.value ?? { code: 'INTERNAL', message: '', detailsJson: '' }),
      );
    }, options);
  }

  call(request: Req): Promise<Res> {
    return this.batcher.add({ request, trace: captureTraceContext() });
  }
}

/**
 * The serving end: every item runs concurrently in a span of its own request's trace; an item
 * that fails becomes an ItemError in its place and the others stand.
 */
export async function serveBatch<Req, Res>(
  name: string,
  items: BatchItem<Req>[],
  handle: (request: Req) => Promise<Res>,
  logger: Logger,
): Promise<BatchReply<Res>[]> {
  return Promise.all(
    items.map(async (item): Promise<BatchReply<Res>> => {
      try {
        if (!item.request) throw new TypeError('batch item without a request');
        const request = item.request;
        // An empty carrier leaves the active context as it is.
        const value = await inSpan(name, SpanKind.SERVER, restoreTraceContext(item.trace), {}, () => handle(request));
        return { result: { $case: 'response', value } };
      } catch (error) {
        if (asTransient(error)) logger.warn({ err: (error as Error).message, rpc: name }, 'batch item failed: backing service unavailable');
        else if (!isDomainError(error)) logger.error({ err: error, rpc: name }, 'batch item failed');
        return { result: { $case: 'error', value: toItemError(error) } };
      }
    }),
  );
}
