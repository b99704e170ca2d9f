// Events never vanish: a consumer that keeps failing moves the message to the dead-letter stream
// (with its error, origin and trace), counts it, keeps consuming, and a replay puts it back once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { createLogger, DomainError, EventBus, listDeadLetters, replayDeadLetters, type EventConsumer } from '@lc/kit';
import { isolate, NATS_URL } from '../../../test-support/isolation.js';
import { poll } from '../../../test-support/poll.js';

const run = promisify(execFile);
const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** Reads the process's metrics on demand, as an exporter would on its interval. */
class OnDemandReader extends MetricReader {
  protected async onShutdown() {}
  protected async onForceFlush() {}
}

interface PaidEvent {
  id: string;
  fragile?: boolean;
}

describe('dead letters', () => {
  const iso = isolate();
  const reader = new OnDemandReader();
  let bus: EventBus;
  let consumer: EventConsumer;
  let refusing: EventConsumer;
  let fixed = false;
  const attempts = new Map<string, number>();
  const processed: string[] = [];
  const times = (id: string) => processed.filter((p) => p === id).length;

  async function deadLettered(): Promise<Record<string, number>> {
    const { resourceMetrics } = await reader.collect();
    const counts: Record<string, number> = {};
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== 'events.dead_lettered') continue;
        for (const point of (metric as SumMetricData).dataPoints) {
          const a = point.attributes;
          counts[`${String(a.stream)}/${String(a.consumer)}/${String(a['messaging.destination.name'])}/${String(a.reason)}`] = point.value;
        }
      }
    }
    return counts;
  }

  before(async () => {
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    bus = await EventBus.connect(NATS_URL, iso.id, createLogger('dead-letter-test', 'silent'), 'dead-letter-test');
    await bus.ensureStreams();
    consumer = await bus.consume<PaidEvent>({
      stream: 'ORDER',
      durable: 'ledger',
      subjects: ['order.paid'],
      maxDeliver: 3,
      retryDelay: { firstMs: 50, maxMs: 200 },
      handler: async (event) => {
        attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
        if (event.fragile && !fixed) throw new Error(`ledger unavailable for ${event.id}`);
        processed.push(event.id);
      },
    });
    // A second consumer of the same stream, which refuses everything it gets.
    refusing = await bus.consume<PaidEvent>({
      stream: 'ORDER',
      durable: 'audit',
      subjects: ['order.cancelled'],
      handler: async (event) => {
        attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
        throw new DomainError('INVALID_STATE', `order ${event.id} cannot be cancelled`);
      },
    });
  });

  after(async () => {
    await consumer?.stop();
    await refusing?.stop();
    await bus?.drain();
    await iso.cleanup();
  });

  it('dead letters - after max deliveries the message moves to the DLQ with its error, origin and trace, and is counted', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await bus.publish('order.paid', { id: 'o-1', fragile: true }, 'paid-o-1', { traceparent });
    await bus.publish('order.paid', { id: 'o-2' }, 'paid-o-2');

    const [letter] = await poll('o-1 dead-lettered', async () => {
      const letters = await listDeadLetters(bus, { stream: 'ORDER' });
      return letters.length > 0 ? letters : undefined;
    });
    assert.deepEqual(
      { subject: letter!.subject, stream: letter!.stream, seq: letter!.seq, consumer: letter!.consumer, deliveries: letter!.deliveries, reason: letter!.reason, error: letter!.error },
      { subject: 'order.paid', stream: `${iso.id.toUpperCase()}_ORDER`, seq: 1, consumer: 'ledger', deliveries: 3, reason: 'max-deliveries', error: 'ledger unavailable for o-1' },
    );
    assert.equal(letter!.headers.traceparent, traceparent);
    assert.match(letter!.deadLetteredAt, /^\d{4}-\d\d-\d\dT/);
    assert.equal(attempts.get('o-1'), 3);
    assert.deepEqual(await deadLettered(), { 'ORDER/ledger/order.paid/max-deliveries': 1 });

    // Nothing else happens to it: no fourth delivery, while other messages keep flowing.
    await bus.publish('order.paid', { id: 'o-3' }, 'paid-o-3');
    await poll('o-3 processed', async () => (times('o-3') === 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(attempts.get('o-1'), 3);
    assert.deepEqual([times('o-1'), times('o-2'), times('o-3')], [0, 1, 1]);
  });

  it('dead letters - a refusal (DomainError) goes to the DLQ on its first delivery', async () => {
    await bus.publish('order.cancelled', { id: 'o-9' }, 'cancelled-o-9');
    const [letter] = await poll('o-9 dead-lettered', async () => {
      const letters = await listDeadLetters(bus, { stream: 'ORDER', consumer: 'audit' });
      return letters.length > 0 ? letters : undefined;
    });
    assert.deepEqual([letter!.subject, letter!.seq, letter!.reason, letter!.deliveries, letter!.error], ['order.cancelled', 4, 'refused', 1, 'INVALID_STATE: order o-9 cannot be cancelled']);
    assert.equal(attempts.get('o-9'), 1);
    assert.deepEqual(await deadLettered(), { 'ORDER/ledger/order.paid/max-deliveries': 1, 'ORDER/audit/order.cancelled/refused': 1 });
  });

  it('dead letters - an unparsable message goes to the DLQ as it was sent', async () => {
    await bus.js.publish(bus.subject('order.cancelled'), 'not json {', { msgID: 'garbage-1' });
    const letter = await poll('garbage dead-lettered', async () => (await listDeadLetters(bus, { stream: 'ORDER', consumer: 'audit' })).find((l) => l.reason === 'unparsable'));
    assert.deepEqual([letter.subject, letter.seq, letter.deliveries], ['order.cancelled', 5, 1]);
    assert.match(letter.error, /JSON/);
    const { direct } = (await bus.nc.jetstreamManager()) as unknown as { direct: { getMessage(s: string, q: { seq: number }): Promise<{ data: Uint8Array }> } };
    const stored = await direct.getMessage(bus.streamName('DLQ'), { seq: letter.dlqSeq });
    assert.equal(new TextDecoder().decode(stored.data), 'not json {');
    assert.equal((await deadLettered())['ORDER/audit/order.cancelled/unparsable'], 1);
    // Out of the way of the replay below, which is about the ledger's.
    await (await bus.nc.jetstreamManager()).streams.deleteMessage(bus.streamName('DLQ'), letter.dlqSeq);
  });

  it('dead letters - the replay CLI refuses bad arguments by name and lists without replaying on --dry-run', async () => {
    const cli = join(repoRoot, 'packages', 'kit', 'dist', 'replay-cli.js');
    const env = { ...process.env, NATS_URL, EVENT_PREFIX: iso.id };
    for (const [args, named] of [
      [[], /--stream is required/],
      [['--stream', 'PAYMENTS'], /--stream must be one of INVENTORY, ORDER, FULFILLMENT/],
      [['--stream', 'ORDER', '--limit', '0'], /--limit must be a positive integer/],
      [['--stream', 'ORDER', '--consumer', 'a.b'], /--consumer must be a durable name/],
      [['--stream', 'ORDER', '--bogus'], /Unknown option '--bogus'/],
    ] as const) {
      await assert.rejects(run(process.execPath, [cli, ...args], { env }), (e: { code: number; stderr: string }) => e.code === 2 && named.test(e.stderr));
    }
    const { stdout } = await run(process.execPath, [cli, '--stream', 'ORDER', '--dry-run'], { env });
    assert.match(stdout, /^would replay DLQ #1 order\.paid .*ledger unavailable for o-1\)$/m);
    assert.match(stdout, /^would replay DLQ #2 order\.cancelled .*refused: INVALID_STATE: order o-9 cannot be cancelled\)$/m);
    assert.match(stdout, /^2 dead letter\(s\) in stream ORDER; nothing replayed \(--dry-run\)$/m);
    assert.equal((await listDeadLetters(bus, { stream: 'ORDER' })).length, 2, 'nothing replayed');
  });

  it('dead letters - once fixed, `npm run events:replay` and replayDeadLetters put each back exactly once and empty the DLQ', async () => {
    await bus.publish('order.paid', { id: 'o-4', fragile: true }, 'paid-o-4');
    await poll('o-4 dead-lettered', async () => ((await listDeadLetters(bus, { stream: 'ORDER', consumer: 'ledger' })).length === 2 ? true : undefined));
    // A replay picks by stream and consumer.
    assert.deepEqual(await listDeadLetters(bus, { stream: 'FULFILLMENT' }), []);
    assert.deepEqual(await listDeadLetters(bus, { stream: 'ORDER', consumer: 'someone-else' }), []);
    fixed = true;

    // The CLI, as an operator runs it: the oldest one only.
    const { stdout } = await run('npm', ['run', '--silent', 'events:replay', '--', '--stream', 'order', '--consumer', 'ledger', '--limit', '1'], {
      cwd: repoRoot,
      env: { ...process.env, NATS_URL, EVENT_PREFIX: iso.id },
    });
    assert.match(stdout, /^replayed DLQ #1 order\.paid \(T[0-9A-F]+_ORDER #1, consumer ledger, 3 deliveries, max-deliveries: ledger unavailable for o-1\) as T[0-9A-F]+_ORDER #\d+$/m);
    assert.match(stdout, /^replayed 1 dead letter\(s\) in stream ORDER, consumer ledger; 0 failed$/m);
    await poll('o-1 processed', async () => (times('o-1') === 1 ? true : undefined));
    assert.deepEqual((await listDeadLetters(bus, { stream: 'ORDER', consumer: 'ledger' })).map((l) => l.seq), [6]);

    // The function, for the rest of this consumer's.
    const outcomes = await replayDeadLetters(bus, { stream: 'ORDER', consumer: 'ledger' });
    assert.deepEqual(outcomes.map((o) => [o.seq, o.replayed]), [[6, true]]);
    await poll('o-4 processed', async () => (times('o-4') === 1 ? true : undefined));
    assert.deepEqual(await listDeadLetters(bus, { stream: 'ORDER', consumer: 'ledger' }), []);
    assert.deepEqual(await replayDeadLetters(bus, { stream: 'ORDER', consumer: 'ledger' }), []);

    // Settled: each handled exactly once more, and the other consumer's dead letter untouched.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual([times('o-1'), times('o-2'), times('o-3'), times('o-4')], [1, 1, 1, 1]);
    assert.deepEqual([attempts.get('o-1'), attempts.get('o-4'), attempts.get('o-9')], [4, 4, 1]);
    assert.deepEqual((await listDeadLetters(bus, { stream: 'ORDER' })).map((l) => [l.consumer, l.seq]), [['audit', 4]]);
  });

  it('dead letters - a DomainError saying UNAVAILABLE is retried, not dead-lettered', async () => {
    let tries = 0;
    const courier = await bus.consume<PaidEvent>({
      stream: 'ORDER',
      durable: 'courier',
      subjects: ['order.refunded'],
      maxDeliver: 5,
      retryDelay: { firstMs: 50, maxMs: 200 },
      handler: async () => {
        if (++tries < 3) throw new DomainError('UNAVAILABLE', 'a backing service is briefly unavailable, try again');
      },
    });
    try {
      await bus.publish('order.refunded', { id: 'o-5' }, 'refunded-o-5');
      await poll('o-5 handled', async () => (tries === 3 ? true : undefined));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(tries, 3);
      assert.deepEqual(await listDeadLetters(bus, { stream: 'ORDER', consumer: 'courier' }), []);
    } finally {
      await courier.stop();
    }
  });
});
