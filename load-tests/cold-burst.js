// k6: a flash sale's cold burst over the REST API. BUYERS never-seen buyers arrive at RATE a
// second (open model: constant-arrival-rate, sent on schedule whatever earlier answers did) on a
// fresh pool that opens after a countdown; one in five asks for 2 units; every winner pays at
// once, CANCEL_SHARE of them cancel instead (their units go back on sale). Thresholds are the
// issue's targets; the teardown fails the run on oversell or a pool that does not settle.
//   k6 run -e GATEWAY_URL=http://localhost:8080 -e BUYERS=600 -e RATE=300 -e QUANTITY=120 load-tests/cold-burst.js
import http from 'k6/http';
import { check, fail, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { burstAttempt, burstBuyerIds, classifyBurstPlace, classifySettle } from './lib/cold-burst-plan.js';
import { oversellProblems } from './lib/flash-sale-checks.js';
import { coldBurstSetup, k6Sender, runSteps } from './lib/setup-steps.js';

const GATEWAY = __ENV.GATEWAY_URL || 'http://localhost:8080';
const BUYERS = Number(__ENV.BUYERS || 600);
const RATE = Number(__ENV.RATE || 300);
const QUANTITY = Number(__ENV.QUANTITY || 120);
const LIMIT = Number(__ENV.LIMIT || 2);
const CANCEL_SHARE = Number(__ENV.CANCEL_SHARE || 0.15);
const COUNTDOWN_S = Number(__ENV.COUNTDOWN_SECONDS || 5);

const placeLatency = new Trend('burst_place_ms', true);
const settleLatency = new Trend('burst_pay_cancel_ms', true);
const outcomes = {
  placed: new Counter('burst_orders_placed'),
  refused: new Counter('burst_orders_refused'),
  paid: new Counter('burst_orders_paid'),
  cancelled: new Counter('burst_orders_cancelled'),
  unexpected: new Counter('burst_unexpected'),
};

export const options = {
  setupTimeout: '180s',
  scenarios: {
    burst: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: `${Math.ceil(BUYERS / RATE)}s`,
      // A VU per buyer in flight: a slow answer must not delay the next arrival.
      preAllocatedVUs: Math.min(BUYERS, RATE),
      maxVUs: BUYERS,
      // The pool opens COUNTDOWN_S after setup ends (see setup); the first buyer taps then.
      startTime: `${COUNTDOWN_S}s`,
    },
  },
  thresholds: {
    burst_unexpected: ['count==0'],
    burst_place_ms: ['p(99)<150', 'max<500'],
    dropped_iterations: ['count==0'],
    checks: ['rate>0.99'],
  },
};

function send(method, path, body, token, headers = {}) {
  return http.request(method, `${GATEWAY}${path}`, JSON.stringify(body), {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
  });
}

function json(r) {
  try {
    return r.json();
  } catch (_) {
    return null;
  }
}

export function setup() {
  const runId = Date.now().toString(36);
  const data = runSteps(
    coldBurstSetup({ quantity: QUANTITY, limit: LIMIT, buyerIds: burstBuyerIds(BUYERS, Date.now()), nowMs: () => Date.now(), countdownMs: COUNTDOWN_S * 1000 }),
    k6Sender(http, GATEWAY),
  );
  return { ...data, runId };
}

export default function (data) {
  const i = exec.scenario.iterationInTest;
  if (i >= BUYERS) return;
  const a = burstAttempt(i, { cancelShare: CANCEL_SHARE, runId: data.runId });
  const token = data.tokens[a.buyerIndex];
  const placed = send('POST', '/api/v1/orders', { flashSaleId: data.flashSaleId, qty: a.qty }, token, { 'idempotency-key': a.idempotencyKey });
  placeLatency.add(placed.timings.duration);
  const order = json(placed);
  const outcome = classifyBurstPlace(placed.status, order);
  outcomes[outcome].add(1);
  check(placed, { 'an order or a clean refusal': () => outcome !== 'unexpected' });
  if (outcome !== 'placed') return;
  // The winner pays at once (or cancels), as a buyer with the pay sheet open does.
  const kind = a.cancels ? 'cancel' : 'pay';
  const settled = send('POST', `/api/v1/orders/${order.id}/${kind}`, {}, token);
  settleLatency.add(settled.timings.duration);
  const result = classifySettle(kind, settled.status, json(settled));
  outcomes[result].add(1);
  check(settled, { 'pay or cancel answered with the order': () => result !== 'unexpected' });
}

export function teardown(data) {
  // Settled: every winner's hold became sold or went back.
  let pool;
  for (let tries = 0; tries < 60; tries++) {
    pool = json(http.get(`${GATEWAY}/api/v1/flash-sales/${data.flashSaleId}`, { headers: { authorization: `Bearer ${data.leader}` } }));
    if (pool && pool.held === 0) break;
    sleep(0.5);
  }
  console.log(`pool ${data.flashSaleId}: quantity ${pool.quantity}, sold ${pool.sold}, held ${pool.held}, available ${pool.available}`);
  const problems = oversellProblems(pool);
  if (pool.held !== 0) problems.push(`the pool did not settle: ${pool.held} units still held`);
  if (problems.length) fail(problems.join('; '));
}
