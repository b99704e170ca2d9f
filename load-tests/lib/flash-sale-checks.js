// The oversell invariant the socket load test's teardown enforces (shared with its node test).

/** Problems with a pool's final counts; empty when sold + held never exceeded the quantity. */
export function oversellProblems(pool) {
  const problems = [];
  for (const f of ['quantity', 'held', 'sold', 'available']) {
    if (!Number.isInteger(pool[f]) || pool[f] < 0) problems.push(`${f} is not a non-negative integer: ${pool[f]}`);
  }
  if (pool.sold + pool.held > pool.quantity) problems.push(`oversold: sold ${pool.sold} + held ${pool.held} > quantity ${pool.quantity}`);
  return problems;
}

/** Which acks an order:place may legitimately get in a flash sale. */
export function classifyPlaceAck(ack) {
  if (ack && ack.ok === true && ack.data && ack.data.order && typeof ack.data.order.id === 'string') return 'ordered';
  if (ack && ack.ok === false && ['SOLD_OUT', 'LIMIT_REACHED'].includes(ack.code)) return 'refused';
  return 'unexpected';
}
