// The REST calls each k6 script's setup makes, as plain steps free of k6: a generator yields one
// request at a time and receives its parsed answer. k6 runs them with its blocking http module
// (runSteps), node's tests run the very same steps against the real gateway (runStepsAsync), so a
// setup call the gateway refuses fails the test suite, not the load test.

/** A JSON request as every script sends it: always with a JSON content type (and so a body). */
function step(method, path, body, token, expect = [200, 201]) {
  return { method, path, body, token, expect };
}

const login = (userId) => step('POST', '/api/v1/auth/dev-login', { userId }, undefined, [200]);

/** Staff of wh-1 stock a product for leader-1 (the demo seed gives leader-1 a pickup point there). */
function* stockedProduct(name, quantity) {
  const staff = (yield login('warehouse-1')).token;
  return yield step('POST', '/api/v1/products', { name, ownerLeaderId: 'leader-1', skus: [{ name: '1 box', listPriceFen: 5990, perBuyerLimit: 0, initialStock: quantity }] }, staff);
}

/** A flash-sale pool on the product's first SKU at wh-1, created by the leader. */
const poolStep = (leader, product, terms) => step('POST', '/api/v1/flash-sales', { skuId: product.skus[0].id, warehouseId: 'wh-1', ...terms }, leader);

/** http-flash-sale.js: a pool on a fresh product, and tokens for `buyers` buyers. */
export function* httpFlashSaleSetup({ quantity, limit, buyers, nowMs }) {
  const leader = (yield login('leader-1')).token;
  const product = yield* stockedProduct('k6 load-test grapes', quantity);
  const sale = yield poolStep(leader, product, { salePriceFen: 2990, quantity, perBuyerLimit: limit, endsAt: new Date(nowMs + 3600_000).toISOString() });
  const tokens = {};
  for (let b = 1; b <= buyers; b++) tokens[`buyer-${b}`] = (yield login(`buyer-${b}`)).token;
  return { flashSaleId: sale.id, tokens, leader };
}

/** socket-flash-sale.js, its REST half: a started live session and a stocked product (the sale starts over the socket). */
export function* socketFlashSaleSetup({ quantity, nowMs }) {
  const leader = (yield login('leader-1')).token;
  const session = yield step('POST', '/api/v1/live-sessions', { title: `k6 socket flash sale ${nowMs}` }, leader);
  // Every POST carries a JSON content type, so it needs a JSON body: `{}`, not nothing.
  yield step('POST', `/api/v1/live-sessions/${session.id}/start`, {}, leader);
  const product = yield* stockedProduct('k6 秒杀 grapes', quantity);
  return { sessionId: session.id, skuId: product.skus[0].id, leader };
}

/**
 * cold-burst.js: `buyers` never-seen buyers signed in (sign-in is not the sale), and a pool that
 * opens `countdownMs` from now, as a live room's countdown schedules it.
 */
export function* coldBurstSetup({ quantity, limit, buyerIds, nowMs, countdownMs }) {
  const leader = (yield login('leader-1')).token;
  const product = yield* stockedProduct('k6 cold-burst grapes', quantity);
  const tokens = [];
  for (const id of buyerIds) tokens.push((yield login(id)).token);
  const opensAtMs = nowMs() + countdownMs;
  const sale = yield poolStep(leader, product, {
    salePriceFen: 990,
    quantity,
    perBuyerLimit: limit,
    holdSeconds: 600,
    startsAt: new Date(opensAtMs).toISOString(),
    endsAt: new Date(opensAtMs + 3600_000).toISOString(),
  });
  return { flashSaleId: sale.id, tokens, leader, opensAtMs };
}

function refused(s, status, body) {
  return new Error(`setup ${s.method} ${s.path}: ${status} ${typeof body === 'string' ? body : JSON.stringify(body)}`);
}

/** Runs steps with a blocking `send(step) → {status, body}` (k6's http); throws on a refused call. */
export function runSteps(steps, send) {
  let next = steps.next();
  while (!next.done) {
    const s = next.value;
    const r = send(s);
    if (s.expect.indexOf(r.status) < 0) throw refused(s, r.status, r.body);
    next = steps.next(r.body);
  }
  return next.value;
}

/** The same with an async `send` (node's tests). */
export async function runStepsAsync(steps, send) {
  let next = steps.next();
  while (!next.done) {
    const s = next.value;
    const r = await send(s);
    if (s.expect.indexOf(r.status) < 0) throw refused(s, r.status, r.body);
    next = steps.next(r.body);
  }
  return next.value;
}

/**
 * The request k6 (or fetch) sends for a step: always a JSON content type, and the step's body as
 * it is (none if the step has none, which the gateway refuses for a POST, as it should).
 */
export function requestOf(base, s) {
  const headers = { 'content-type': 'application/json' };
  if (s.token) headers.authorization = `Bearer ${s.token}`;
  return { url: `${base}${s.path}`, method: s.method, body: s.body === undefined ? null : JSON.stringify(s.body), headers };
}

/** `send` for runSteps from k6's http module (passed in, so this module stays free of k6). */
export function k6Sender(http, base) {
  return (s) => {
    const req = requestOf(base, s);
    const r = http.request(req.method, req.url, req.body, { headers: req.headers });
    let body = r.body;
    try {
      body = r.json();
    } catch (_) {
      // not JSON: kept as text for the error
    }
    return { status: r.status, body };
  };
}
