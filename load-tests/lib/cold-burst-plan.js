// The cold-burst load test's logic, kept free of k6 so node tests run it too: which never-seen
// buyer the i-th arrival is, how many units they ask for, whether a winner pays or cancels, and
// what each answer means.

/**
 * Buyer ids no earlier run used (dev sign-in accepts buyer-<1 to 9 digits>): a per-run block of a
 * million ids chosen from the run's start second.
 */
export function burstBuyerIds(count, runStartMs) {
  const block = Math.floor(runStartMs / 1000) % 800;
  return Array.from({ length: count }, (_, i) => `buyer-${100_000_000 + block * 1_000_000 + i}`);
}

/**
 * The i-th arrival (0-based): every `bigEvery`-th asks for 2 units; a `cancelShare` of winners,
 * spread evenly, cancel instead of paying (their units go back on sale).
 */
export function burstAttempt(i, { bigEvery = 5, cancelShare = 0.15, runId }) {
  return {
    buyerIndex: i,
    qty: (i + 1) % bigEvery === 0 ? 2 : 1,
    idempotencyKey: `burst-${runId}-${i}`,
    cancels: Math.floor((i + 1) * cancelShare) > Math.floor(i * cancelShare),
  };
}

/** placed (201), refused (409 SOLD_OUT/LIMIT_REACHED), or unexpected. */
export function classifyBurstPlace(status, body) {
  if (status === 201 && body && typeof body.id === 'string' && body.status === 'PENDING_PAYMENT') return 'placed';
  if (status === 409 && body && (body.code === 'SOLD_OUT' || body.code === 'LIMIT_REACHED')) return 'refused';
  return 'unexpected';
}

/** A winner's pay or cancel: the order it answers with, in a state that follows from the call. */
export function classifySettle(kind, status, body) {
  if (status !== 200 || !body || typeof body.id !== 'string') return 'unexpected';
  if (kind === 'pay') return body.status === 'PAID' || body.status === 'PENDING_PAYMENT' ? 'paid' : 'unexpected';
  return body.status === 'CANCELLED' ? 'cancelled' : 'unexpected';
}
