// The after-sales rules without I/O: who may read and handle a case, which orders admit one, how a
// refund compares with what is left, the shortage refund, the SLA deadlines and photo sniffing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AFTER_SALES_RULES } from '@lc/contracts';
import { buyerMayOpen, deadlines, mayHandle, mayRead, overdue, refundKind, shortageRefundFen } from '../src/domain/after-sales.js';
import { checkPhotos } from '../src/domain/photo-check.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;', 'latin1');
const c = { buyerId: 'buyer-1', leaderId: 'leader-1', warehouseId: 'wh-1' };
const actor = (userId: string, role: string, warehouseId = '') => ({ userId, role, warehouseId });

describe('after-sales rules', () => {
  it('after-sales rules - the buyer reads their own; the order’s leader, the serving staff and admins read and handle', () => {
    assert.equal(mayRead(actor('buyer-1', 'buyer'), c), true);
    assert.equal(mayRead(actor('buyer-2', 'buyer'), c), false);
    assert.equal(mayHandle(actor('buyer-1', 'buyer'), c), false, 'a buyer never handles, even their own');
    assert.equal(mayHandle(actor('leader-1', 'leader'), c), true);
    assert.equal(mayHandle(actor('leader-2', 'leader'), c), false);
    assert.equal(mayHandle(actor('leader-1', 'leader'), { ...c, leaderId: '' }), false, 'an order without a leader is staff’s');
    assert.equal(mayHandle(actor('warehouse-1', 'warehouse', 'wh-1'), c), true);
    assert.equal(mayHandle(actor('warehouse-2', 'warehouse', 'wh-2'), c), false);
    assert.equal(mayHandle(actor('warehouse-x', 'warehouse', ''), { ...c, warehouseId: '' }), false, 'no warehouse on either side is no match');
    assert.equal(mayHandle(actor('admin-1', 'admin'), c), true);
    assert.equal(mayRead(actor('driver-1', 'driver'), c), false);
  });

  it('after-sales rules - a buyer opens on a paid or collected order only', () => {
    for (const s of ['PAID', 'PICKED_UP'] as const) assert.equal(buyerMayOpen(s).ok, true, s);
    for (const s of ['PENDING_PAYMENT', 'PACKED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP', 'CANCELLED', 'REFUNDED'] as const) assert.equal(buyerMayOpen(s).ok, false, s);
  });

  it('after-sales rules - the whole remainder is full, less is partial, more or odd amounts are refused', () => {
    assert.deepEqual(refundKind(1000, 0, 1000), { ok: true, value: 'full' });
    assert.deepEqual(refundKind(1000, 0, 400), { ok: true, value: 'partial' });
    assert.deepEqual(refundKind(1000, 400, 600), { ok: true, value: 'full' }, 'the rest after a partial refund');
    assert.deepEqual(refundKind(1000, 0, 0), { ok: true, value: 'none' });
    const over = refundKind(1000, 400, 601);
    assert.equal(over.ok, false);
    assert.match(!over.ok ? over.message : '', /601 is more than the 600 fen still refundable/);
    for (const bad of [-1, 1.5, Number.NaN]) assert.equal(refundKind(1000, 0, bad).ok, false, String(bad));
  });

  it('after-sales rules - a shortage refunds unit price × missing units, never more than the order or what is left', () => {
    assert.equal(shortageRefundFen(1500, 1, 3, 4500), 1500);
    assert.equal(shortageRefundFen(1500, 5, 3, 4500), 4500, 'at most the order’s units');
    assert.equal(shortageRefundFen(1500, 2, 3, 2000), 2000, 'at most what is left to refund');
    assert.equal(shortageRefundFen(1500, 0, 3, 4500), 0);
  });

  it('after-sales rules - an answer is due in 24 h and a resolution in 48 h; missed ones are named', () => {
    const { respondByMs, resolveByMs } = deadlines(0);
    assert.deepEqual([respondByMs, resolveByMs], [24 * 3600_000, 48 * 3600_000]);
    const open = { status: 'OPEN' as const, respondByMs, resolveByMs };
    assert.deepEqual(overdue(open, respondByMs), [], 'due, not yet late');
    assert.deepEqual(overdue(open, respondByMs + 1), ['RESPONSE']);
    assert.deepEqual(overdue(open, resolveByMs + 1), ['RESPONSE', 'RESOLUTION']);
    assert.deepEqual(overdue({ ...open, status: 'ANSWERED' }, resolveByMs + 1), ['RESOLUTION']);
    assert.deepEqual(overdue({ ...open, status: 'RESOLVED' }, resolveByMs + 1), []);
  });

  it('photos - judged by their bytes: JPEG and PNG pass, GIF, PDF, text, empty, oversized and a fourth photo are refused', async () => {
    const ok = await checkPhotos([PNG, JPEG]);
    assert.deepEqual(ok.ok && ok.value.map((p) => p.contentType), ['image/png', 'image/jpeg']);
    const refused = async (photos: Buffer[]) => {
      const v = await checkPhotos(photos);
      return v.ok ? '' : v.message;
    };
    assert.match(await refused([GIF]), /photos\[0\]: not a JPEG, PNG or WebP image \(content is image\/gif\)/);
    assert.match(await refused([PNG, Buffer.from('%PDF-1.4\n%%EOF')]), /photos\[1\]: .*application\/pdf/);
    assert.match(await refused([Buffer.from('just text')]), /unrecognised/);
    assert.match(await refused([Buffer.alloc(0)]), /photos\[0\]: empty/);
    assert.match(await refused([Buffer.concat([PNG, Buffer.alloc(AFTER_SALES_RULES.photoMaxBytes)])]), /more than 1048576/);
    assert.match(await refused([PNG, PNG, PNG, PNG]), /at most 3/);
  });
});
