// A hot-path service opens its Postgres connections before the first buyer taps and keeps them
// through quiet spells; connections beyond that are still closed when idle.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, openConnections } from '@lc/kit';
import { DATABASE_URL } from '../../../test-support/isolation.js';
import { poll } from '../../../test-support/poll.js';

describe('kept Postgres connections', () => {
  const observer = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  after(() => observer.end());

  /** Backends Postgres has open for the connections named `app`. */
  async function backends(app: string): Promise<number> {
    const { rows } = await observer.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [app]);
    return rows[0]!.n;
  }

  function poolNamed(app: string, keepOpen: number) {
    // application_name tells this pool's backends apart from every other test's.
    return createPool(`${DATABASE_URL}?application_name=${app}`, 'public', { keepOpen, idleTimeoutMs: 150 });
  }

  it('opens the kept connections at once and keeps them while idle; extra ones close', async () => {
    const app = `kept-${randomBytes(4).toString('hex')}`;
    const pool = poolNamed(app, 3);
    try {
      await openConnections(pool, 3);
      assert.equal(await backends(app), 3);
      // A burst grows the pool beyond what is kept…
      const extra = await Promise.all(Array.from({ length: 5 }, () => pool.connect()));
      for (const c of extra) c.release();
      assert.equal(pool.totalCount, 5);
      // …and once it is over, only the kept connections stay.
      await poll('the extra connections to close', async () => (pool.totalCount === 3 ? true : undefined), 5000);
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(pool.totalCount, 3);
      assert.equal(await backends(app), 3);
    } finally {
      await pool.end();
    }
  });

  it('without kept connections an idle pool closes them all', async () => {
    const app = `kept-${randomBytes(4).toString('hex')}`;
    const pool = poolNamed(app, 0);
    try {
      await openConnections(pool, 3);
      await poll('every connection to close', async () => (pool.totalCount === 0 ? true : undefined), 5000);
      assert.equal(await backends(app), 0);
    } finally {
      await pool.end();
    }
  });
});
