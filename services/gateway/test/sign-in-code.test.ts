// The pure rules of sign-in: codes, their hashes and verdicts, and whose address a request is.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codeMatches, hashCode, judgeCode, newCode, type StoredCode } from '../src/domain/sign-in-code.js';
import { clientIp } from '../src/domain/client-ip.js';

const secret = 'a-test-secret-of-some-length-0123';
const stored = (over: Partial<StoredCode> = {}): StoredCode => ({ id: 1, codeHash: hashCode(secret, '+8613800138000', '042042'), expiresAtMs: 1_000_000, attempts: 1, consumed: false, ...over });

describe('sign-in codes', () => {
  it('sign-in codes - six digits, leading zeros kept, from the random source given', () => {
    assert.equal(newCode(() => 42), '000042');
    assert.equal(newCode(() => 999_999), '999999');
    for (let i = 0; i < 200; i++) assert.match(newCode(), /^[0-9]{6}$/);
  });

  it('sign-in codes - the hash is keyed and bound to the phone', () => {
    const h = hashCode(secret, '+8613800138000', '042042');
    assert.ok(codeMatches(secret, '+8613800138000', '042042', h));
    assert.ok(!codeMatches(secret, '+8613800138000', '042043', h));
    assert.ok(!codeMatches(secret, '+8613800138001', '042042', h), 'another phone');
    assert.ok(!codeMatches(`${secret}x`, '+8613800138000', '042042', h), 'another secret');
    assert.ok(!h.includes('042042'));
  });

  it('sign-in codes - verdicts: none, used, expired, too many tries, wrong, ok', () => {
    assert.equal(judgeCode(undefined, false, 0, 5), 'no-code');
    assert.equal(judgeCode(stored({ consumed: true }), true, 0, 5), 'used');
    assert.equal(judgeCode(stored(), true, 1_000_000, 5), 'expired', 'expiry is exclusive');
    assert.equal(judgeCode(stored({ attempts: 5 }), true, 999_999, 5), 'ok', 'the fifth try may still be right');
    assert.equal(judgeCode(stored({ attempts: 6 }), true, 999_999, 5), 'too-many-attempts');
    assert.equal(judgeCode(stored(), false, 0, 5), 'wrong');
  });

  it('client address - the socket unless proxies are trusted, then the hops-th from the right of X-Forwarded-For', () => {
    assert.equal(clientIp('10.0.0.9', '1.2.3.4', 0), '10.0.0.9', 'forwarded headers are ignored without trusted proxies');
    assert.equal(clientIp('10.0.0.9', '6.6.6.6, 1.2.3.4', 1), '1.2.3.4', 'what the client wrote on the left proves nothing');
    assert.equal(clientIp('10.0.0.9', ['6.6.6.6', '1.2.3.4, 10.0.0.2'], 2), '1.2.3.4');
    assert.equal(clientIp('10.0.0.9', undefined, 1), '10.0.0.9');
  });
});
