// The HTTP flash-sale load test's logic, kept free of k6 so node tests run it too: which buyer
// sends which idempotency key, and what each answer means.

/**
 * The attempt a virtual user makes on a given iteration. Each key is sent `sendsPerKey` times in a
 * row (a buyer's retries), and every send after the first must get the first answer.
 */
export function attemptFor(vu, iteration, { buyers, sendsPerKey = 1 }) {
  const buyer = ((vu - 1) % buyers) + 1;
  const per = Math.max(1, sendsPerKey);
  return { buyerId: `buyer-${buyer}`, idempotencyKey: `lt-${vu}-${Math.floor(iteration / per)}`, repeat: iteration % per !== 0 };
}

/** ordered (201), replayed (200 with an order), refused (409 SOLD_OUT/LIMIT_REACHED), or unexpected. */
export function classifyOrderResponse(status, body) {
  if ((status === 201 || status === 200) && body && typeof body.id === 'string' && body.status) return status === 201 ? 'ordered' : 'replayed';
  if (status === 409 && body && ['SOLD_OUT', 'LIMIT_REACHED'].includes(body.code)) return 'refused';
  if (status === 429 && body && body.code === 'RATE_LIMITED') return 'rate-limited';
  return 'unexpected';
}
