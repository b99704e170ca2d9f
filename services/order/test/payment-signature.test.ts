// Payment callback signatures and parsing on their own: HMAC over the raw body, and a refusal
// naming the field for every malformed callback.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DomainError } from '@lc/kit';
import { parseCallback, signBody, verifySignature } from '../src/domain/payment-signature.js';

const secret = 'test-secret';
const callback = { eventId: 'evt-1', paymentId: 'pay-1', orderId: 'ord-1', amountFen: 1990, status: 'SUCCEEDED', atMs: 1_700_000_000_000 };
const body = JSON.stringify(callback);

function refusal(input: string): string {
  try {
    parseCallback(input);
  } catch (error) {
    assert.ok(error instanceof DomainError);
    assert.equal(error.code, 'INVALID_ARGUMENT');
    return error.message;
  }
  assert.fail(`accepted ${input}`);
}

describe('payment signature', () => {
  it('payment signature - is HMAC-SHA256 of the raw body in hex, and verifies only that body with that secret', () => {
    const signature = signBody(body, secret);
    assert.equal(signature, createHmac('sha256', secret).update(body).digest('hex'));
    assert.equal(verifySignature(body, signature, secret), true);
    assert.equal(verifySignature(`${body} `, signature, secret), false);
    assert.equal(verifySignature(body, signature, 'other-secret'), false);
    assert.equal(verifySignature(body, signBody(body, 'other-secret'), secret), false);
  });

  it('payment signature - a truncated, empty or non-hex signature is refused without throwing', () => {
    const signature = signBody(body, secret);
    assert.equal(verifySignature(body, signature.slice(0, 32), secret), false);
    assert.equal(verifySignature(body, '', secret), false);
    assert.equal(verifySignature(body, 'zz'.repeat(32), secret), false);
  });

  it('payment signature - a well-formed callback parses to its fields', () => {
    assert.deepEqual(parseCallback(body), callback);
    assert.equal(parseCallback(JSON.stringify({ ...callback, status: 'FAILED' })).status, 'FAILED');
  });

  it('payment signature - each malformed callback is refused naming what is wrong', () => {
    assert.equal(refusal('{not json'), 'body is not JSON');
    assert.equal(refusal('null'), 'body: expected an object');
    assert.equal(refusal(JSON.stringify({ ...callback, eventId: '' })), 'eventId: required string');
    assert.equal(refusal(JSON.stringify({ ...callback, paymentId: 7 })), 'paymentId: required string');
    assert.equal(refusal(JSON.stringify({ ...callback, orderId: undefined })), 'orderId: required string');
    assert.equal(refusal(JSON.stringify({ ...callback, amountFen: 19.9 })), 'amountFen: must be an integer (fen)');
    assert.equal(refusal(JSON.stringify({ ...callback, amountFen: '1990' })), 'amountFen: must be an integer (fen)');
    assert.equal(refusal(JSON.stringify({ ...callback, status: 'PENDING' })), 'status: must be SUCCEEDED or FAILED');
  });
});
