// The dev login's people on their own: the seeded users, numbered buyers, and nothing else.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ROLES, SEEDED_USERS, devUser } from '../src/domain/users.js';

describe('dev users', () => {
  it('dev users - every seeded user is found by id with a known role; warehouse staff carry their warehouse', () => {
    for (const u of SEEDED_USERS) {
      assert.deepEqual(devUser(u.id), u);
      assert.ok(ROLES.includes(u.role), u.id);
      assert.equal(u.role === 'warehouse', Boolean(u.warehouseId), u.id);
    }
    assert.equal(new Set(SEEDED_USERS.map((u) => u.id)).size, SEEDED_USERS.length);
  });

  it('dev users - buyer-<n> is a buyer named by its number', () => {
    assert.deepEqual(devUser('buyer-42'), { id: 'buyer-42', role: 'buyer', name: '买家 42' });
    assert.equal(devUser('buyer-123456789')?.role, 'buyer');
  });

  it('dev users - anything else is unknown, including near misses of buyer ids', () => {
    for (const id of ['buyer-', 'buyer-1234567890', 'buyer-1x', 'Buyer-1', 'admin-2', '', 'leader-1 ']) assert.equal(devUser(id), undefined, JSON.stringify(id));
  });
});
