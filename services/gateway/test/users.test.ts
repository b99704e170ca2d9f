// The dev login's people on their own: the seeded users, numbered buyers, and nothing else.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ROLES, SEEDED_USERS, devUser } from '../src/domain/users.js';
import { normalizePhone } from '../src/domain/phone.js';

describe('dev users', () => {
  it('dev users - every seeded user is found by id with a known role; warehouse staff carry their warehouse', () => {
    for (const { phone: _phone, ...u } of SEEDED_USERS) {
      assert.deepEqual(devUser(u.id), u, 'the token user, without the phone');
      assert.ok(ROLES.includes(u.role), u.id);
      assert.equal(u.role === 'warehouse', Boolean(u.warehouseId), u.id);
    }
    assert.equal(new Set(SEEDED_USERS.map((u) => u.id)).size, SEEDED_USERS.length);
  });

  it('dev users - every seeded user has a phone of their own to sign in with', () => {
    for (const u of SEEDED_USERS) assert.equal(normalizePhone(u.phone), u.phone, u.id);
    assert.equal(new Set(SEEDED_USERS.map((u) => u.phone)).size, SEEDED_USERS.length);
  });

  it('phones - typed forms of a mainland mobile number name one E.164 phone; anything else is refused', () => {
    for (const typed of ['13800138000', '138 0013 8000', '+86 138-0013-8000', '8613800138000', '008613800138000', '(+86) 138 0013 8000']) assert.equal(normalizePhone(typed), '+8613800138000', typed);
    for (const bad of ['', '1380013800', '138001380000', '12800138000', '+1 415 555 0100', '+85213800138000', '１３８００１３８０００', '13800138000#', 'x'.repeat(40)]) assert.equal(normalizePhone(bad), undefined, JSON.stringify(bad));
  });

  it('dev users - buyer-<n> is a buyer named by its number', () => {
    assert.deepEqual(devUser('buyer-42'), { id: 'buyer-42', role: 'buyer', name: '买家 42' });
    assert.equal(devUser('buyer-123456789')?.role, 'buyer');
  });

  it('dev users - anything else is unknown, including near misses of buyer ids', () => {
    for (const id of ['buyer-', 'buyer-1234567890', 'buyer-1x', 'Buyer-1', 'admin-2', '', 'leader-1 ']) assert.equal(devUser(id), undefined, JSON.stringify(id));
  });
});
