import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchedRpc, Batcher, DomainError, createLogger, serveBatch } from '../src/index.js';

/** A batch runner that records what it was given and answers when released. */
function gatedRunner() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const run = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((release) => gates.push(release));
    return items.map((n) => (n < 0 ? new DomainError('INVALID_ARGUMENT', `n: ${n} is negative`) : n * 10));
  };
  const releaseAll = () => gates.splice(0).forEach((g) => g());
  return { run, batches, releaseAll };
}

// The batcher sends on setImmediate after its previous batch settles: two turns is enough.
const tick = async () => {
  for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
};

describe('Batcher', () => {
  it('sends calls made in the same turn together, and a lone call on its own', async () => {
    const r = gatedRunner();
    const batcher = new Batcher(r.run, { name: 't' });
    const together = [1, 2, 3].map((n) => batcher.add(n));
    await tick();
    r.releaseAll();
    assert.deepEqual(await Promise.all(together), [10, 20, 30]);
    const alone = batcher.add(4);
    await tick();
    r.releaseAll();
    assert.equal(await alone, 40);
    assert.deepEqual(r.batches, [[1, 2, 3], [4]]);
  });

  it('queues calls while the in-flight limit is reached and sends them as the next batch', async () => {
    const r = gatedRunner();
    const batcher = new Batcher(r.run, { name: 't', maxInFlight: 1, maxBatch: 3 });
    const first = batcher.add(1);
    await tick();
    const later = [2, 3, 4, 5].map((n) => batcher.add(n));
    await tick();
    assert.deepEqual(r.batches, [[1]], 'nothing more leaves while one batch is in flight');
    r.releaseAll();
    assert.equal(await first, 10);
    await tick();
    assert.deepEqual(r.batches, [[1], [2, 3, 4]], 'the queue leaves together, cut at maxBatch');
    r.releaseAll();
    await tick();
    r.releaseAll();
    assert.deepEqual(await Promise.all(later), [20, 30, 40, 50]);
    assert.deepEqual(r.batches, [[1], [2, 3, 4], [5]]);
    await tick();
    assert.equal(batcher.pending, 0);
  });

  it('fails only the item that failed on its own', async () => {
    const r = gatedRunner();
    const batcher = new Batcher(r.run, { name: 't' });
    const results = Promise.allSettled([batcher.add(1), batcher.add(-1), batcher.add(2)]);
    await tick();
    r.releaseAll();
    const [a, b, c] = await results;
    assert.deepEqual([a.status, b.status, c.status], ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((b as PromiseRejectedResult).reason.message), /negative/);
  });

  it('fails every item when the batch itself fails, or answers the wrong number of items', async () => {
    const broken = new Batcher<number, number>(async () => {
      throw new Error('connection lost');
    }, { name: 't' });
    const lost = await Promise.allSettled([broken.add(1), broken.add(2)]);
    assert.deepEqual(lost.map((r) => r.status), ['rejected', 'rejected']);
    const short = new Batcher<number, number>(async (items) => items.slice(1), { name: 't' });
    const miscounted = await Promise.allSettled([short.add(1), short.add(2)]);
    assert.deepEqual(miscounted.map((r) => r.status), ['rejected', 'rejected']);
    assert.match(String((miscounted[0] as PromiseRejectedResult).reason.message), /1 results for 2 items/);
  });
});

describe('BatchedRpc with serveBatch', () => {
  const logger = createLogger('batch-test', 'silent');

  it('gives every caller its own answer or its own refusal, with code, message and details', async () => {
    const sent: number[] = [];
    const rpc = new BatchedRpc<{ n: number }, { twice: number }>(
      async (items) => {
        sent.push(items.length);
        return serveBatch('Twice', items, async ({ n }) => {
          if (n === 13) throw new DomainError('CONFLICT', 'n: 13 is taken', { by: 'someone' });
          if (n === 666) throw new Error('a bug with internals in its message');
          return { twice: n * 2 };
        }, logger);
      },
      { name: 'Twice' },
    );
    const answers = await Promise.allSettled([1, 13, 666, 4].map((n) => rpc.call({ n })));
    assert.deepEqual(sent, [4], 'one round trip for the four calls');
    assert.deepEqual((answers[0] as PromiseFulfilledResult<{ twice: number }>).value, { twice: 2 });
    const refused = (answers[1] as PromiseRejectedResult).reason as DomainError;
    assert.equal(refused.code, 'CONFLICT');
    assert.equal(refused.message, 'n: 13 is taken');
    assert.deepEqual(refused.details, { by: 'someone' });
    const bug = (answers[2] as PromiseRejectedResult).reason as DomainError;
    assert.equal(bug.code, 'INTERNAL');
    assert.equal(bug.message, 'internal error', 'internals never leak to the caller');
    assert.deepEqual((answers[3] as PromiseFulfilledResult<{ twice: number }>).value, { twice: 8 });
  });
});
