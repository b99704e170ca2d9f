// A handler that runs longer than the consumer's ack wait (a notice fan-out to hundreds of buyers)
// keeps its message: it is not handed to another pod on the same durable halfway, nor run twice,
// and it is acked once done. Both "pods" are real consumers of one durable on the real NATS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, EventBus, type EventConsumer } from '@lc/kit';
import { isolate, NATS_URL } from '../../../test-support/isolation.js';
import { poll } from '../../../test-support/poll.js';

const ACK_WAIT_MS = 1000;
const WORK_MS = 4 * ACK_WAIT_MS;

describe('ack wait', { timeout: 60_000 }, () => {
  const iso = isolate();
  let bus: EventBus;
  const consumers: EventConsumer[] = [];
  const started: { pod: number; id: string }[] = [];
  const finished: string[] = [];

  before(async () => {
    bus = await EventBus.connect(NATS_URL, iso.id, createLogger('ack-wait-test', 'silent'), 'ack-wait-test');
    await bus.ensureStreams();
    // Two pods handling one message at a time on one durable, and one handling several at once on
    // another (a message pulled but still waiting in a pod's buffer is not covered: keep batches
    // of long handlers small).
    for (const [pod, durable, subject, parallel] of [
      [0, 'fan-out', 'order.group_buy.failed', undefined],
      [1, 'fan-out', 'order.group_buy.failed', undefined],
      [2, 'fan-out-parallel', 'order.refunded', { max: 4, key: (e: { id: string }) => e.id }],
    ] as const) {
      consumers.push(
        await bus.consume<{ id: string }>({
          stream: 'ORDER',
          durable,
          subjects: [subject],
          ackWaitMs: ACK_WAIT_MS,
          ...(parallel ? { parallel } : {}),
          handler: async (event) => {
            started.push({ pod, id: event.id });
            await new Promise((resolve) => setTimeout(resolve, WORK_MS));
            finished.push(event.id);
          },
        }),
      );
    }
  });

  after(async () => {
    for (const c of consumers) await c.stop();
    await bus?.drain();
    await iso.cleanup();
  });

  it('ack wait - handlers running four ack waits long are neither redelivered nor run twice, and are acked', async () => {
    await bus.publish('order.group_buy.failed', { id: 'g-1' }, 'g-1');
    for (const id of ['r-1', 'r-2', 'r-3']) await bus.publish('order.refunded', { id }, id);
    await poll('every handler finished', async () => (finished.length >= 4 ? true : undefined), 30_000);
    const jsm = await bus.nc.jetstreamManager();
    for (const durable of ['fan-out', 'fan-out-parallel']) {
      await poll(`${durable} acked`, async () => {
        const info = await jsm.consumers.info(bus.streamName('ORDER'), `${iso.id}_${durable}`);
        return info.num_ack_pending === 0 && info.num_pending === 0 ? info : undefined;
      });
    }
    // A redelivery would start within an ack wait of the first start: give it two more.
    await new Promise((resolve) => setTimeout(resolve, 2 * ACK_WAIT_MS));
    assert.deepEqual(started.map((s) => s.id).sort(), ['g-1', 'r-1', 'r-2', 'r-3'], JSON.stringify(started));
    assert.deepEqual(started.filter((s) => s.pod === 2).length, 3);
    assert.deepEqual([...finished].sort(), ['g-1', 'r-1', 'r-2', 'r-3']);
    for (const durable of ['fan-out', 'fan-out-parallel']) {
      assert.equal((await jsm.consumers.info(bus.streamName('ORDER'), `${iso.id}_${durable}`)).num_redelivered, 0, durable);
    }
  });
});
