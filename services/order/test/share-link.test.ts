// Share links on their own: what a token read does to an order (pure), and the signer's own
// refusals - a token of another key, audience or a tampered one reads INVALID, a past one EXPIRED.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ShareTokens } from '../src/adapters/share-tokens.js';
import { shareLinkLeader, shareLinkStatus, type ShareTokenReading } from '../src/domain/share-link.js';
import { nowSeconds, signToken } from '../../../test-support/tokens.js';

const valid = (scope: { liveSessionId?: string; skuId?: string } = {}): ShareTokenReading => ({ kind: 'VALID', leaderId: 'leader-2', liveSessionId: scope.liveSessionId ?? '', skuId: scope.skuId ?? '', expiresAtMs: Date.now() + 60_000 });
const order = { liveSessionId: 'session-1', skuId: 'sku-1' };

describe('share link', () => {
  it('share link - a valid link binds within its scope only; an invalid or expired one never', () => {
    assert.equal(shareLinkLeader(valid(), order), 'leader-2');
    assert.equal(shareLinkLeader(valid({ liveSessionId: 'session-1' }), order), 'leader-2');
    assert.equal(shareLinkLeader(valid({ skuId: 'sku-1' }), order), 'leader-2');
    assert.equal(shareLinkLeader(valid({ liveSessionId: 'session-2' }), order), '');
    assert.equal(shareLinkLeader(valid({ skuId: 'sku-2' }), order), '');
    assert.equal(shareLinkLeader(valid({ liveSessionId: 'session-1' }), { liveSessionId: '', skuId: 'sku-1' }), '', 'a session link on an order outside any session');
    assert.equal(shareLinkLeader({ kind: 'INVALID' }, order), '');
    assert.equal(shareLinkLeader({ kind: 'EXPIRED' }, order), '');
    assert.equal(shareLinkLeader(undefined, order), '');
  });

  it('share link - the status says what the link did given the leader the order credits', () => {
    assert.equal(shareLinkStatus(undefined, { ...order, leaderId: 'leader-2' }), undefined);
    assert.equal(shareLinkStatus(valid(), { ...order, leaderId: 'leader-2' }), 'APPLIED');
    assert.equal(shareLinkStatus(valid(), { ...order, leaderId: 'leader-1' }), 'ALREADY_BOUND');
    assert.equal(shareLinkStatus(valid({ skuId: 'sku-2' }), { ...order, leaderId: 'leader-2' }), 'FOREIGN', 'out of scope even if the buyer happens to be theirs');
    assert.equal(shareLinkStatus({ kind: 'INVALID' }, { ...order, leaderId: '' }), 'INVALID');
    assert.equal(shareLinkStatus({ kind: 'EXPIRED' }, { ...order, leaderId: 'leader-1' }), 'EXPIRED');
  });

  it('share link - tokens read back as issued; other keys, audiences, tampering and expiry are refused', async () => {
    const secret = 'a-share-link-secret-of-at-least-32-chars';
    const tokens = new ShareTokens(secret, { defaultSeconds: 3600, maxSeconds: 7200 });
    const { token, expiresAtMs } = await tokens.issue({ leaderId: 'leader-2', liveSessionId: 'session-1', skuId: '', ttlSeconds: 0 });
    assert.ok(Math.abs(expiresAtMs - (Date.now() + 3600_000)) < 2000);
    assert.deepEqual(await tokens.read(token), { kind: 'VALID', leaderId: 'leader-2', liveSessionId: 'session-1', skuId: '', expiresAtMs });
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const exp = nowSeconds() + 600;
    const refused: [string, string, ShareTokenReading['kind']][] = [
      ['tampered', `${h}.${Buffer.from(JSON.stringify({ ...claims, ls: '' })).toString('base64url')}.${s}`, 'INVALID'],
      ['another key', await signToken('another-secret-of-at-least-32-characters', { sub: 'leader-2', aud: 'share-link', exp }), 'INVALID'],
      ['another audience', await signToken(secret, { sub: 'leader-2', aud: 'access', exp }), 'INVALID'],
      ['no expiry', await signToken(secret, { sub: 'leader-2', aud: 'share-link' }), 'INVALID'],
      ['no leader', await signToken(secret, { aud: 'share-link', exp }), 'INVALID'],
      ['alg none', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`, 'INVALID'],
      ['garbage', 'not.a.token', 'INVALID'],
      ['expired', await signToken(secret, { sub: 'leader-2', aud: 'share-link', exp: nowSeconds() - 120 }), 'EXPIRED'],
      ['expired and forged', await signToken('another-secret-of-at-least-32-characters', { sub: 'leader-2', aud: 'share-link', exp: nowSeconds() - 120 }), 'INVALID'],
    ];
    for (const [what, t, kind] of refused) assert.equal((await tokens.read(t)).kind, kind, what);
    await assert.rejects(tokens.issue({ leaderId: 'leader-2', liveSessionId: '', skuId: '', ttlSeconds: 7201 }), /ttlSeconds/);
    await assert.rejects(tokens.issue({ leaderId: '', liveSessionId: '', skuId: '', ttlSeconds: 0 }), /leaderId/);
  });
});
