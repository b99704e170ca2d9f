// k6: a flash sale over the REST API. Many buyers hammer one pool (optionally re-sending keys);
// every answer must be an order, a replay of it, or SOLD_OUT/LIMIT_REACHED, and the teardown fails
// the run if the pool ever sold + held more than its quantity.
//   k6 run -e GATEWAY_URL=http://localhost:8080 -e BUYERS=500 -e ATTEMPTS=5000 -e QUANTITY=100 \
//          -e LIMIT=2 -e SENDS_PER_KEY=2 load-tests/http-flash-sale.js
import http from 'k6/http';
import { check, fail } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { attemptFor, classifyOrderResponse } from './lib/http-flash-sale-plan.js';
import { oversellProblems } from './lib/flash-sale-checks.js';
import { httpFlashSaleSetup, k6Sender, runSteps } from './lib/setup-steps.js';

const GATEWAY = __ENV.GATEWAY_URL || 'http://localhost:8080';
const BUYERS = Number(__ENV.BUYERS || 500);
const ATTEMPTS = Number(__ENV.ATTEMPTS || 5000);
const QUANTITY = Number(__ENV.QUANTITY || 100);
const LIMIT = Number(__ENV.LIMIT || 2);
const SENDS_PER_KEY = Number(__ENV.SENDS_PER_KEY || 1);

const latency = new Trend('order_place_ms', true);
const outcomes = {
  ordered: new Counter('orders_placed'),
  replayed: new Counter('orders_replayed'),
  refused: new Counter('orders_refused'),
  'rate-limited': new Counter('orders_rate_limited'),
  unexpected: new Counter('orders_unexpected'),
};

export const options = {
  setupTimeout: '120s',
  scenarios: { storm: { executor: 'shared-iterations', vus: BUYERS, iterations: ATTEMPTS, maxDuration: '120s' } },
  thresholds: {
    orders_unexpected: ['count==0'],
    order_place_ms: ['p(99)<500'],
    checks: ['rate>0.99'],
  },
};

function post(path, body, token, headers = {}) {
  return http.post(`${GATEWAY}${path}`, JSON.stringify(body), {
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

export function setup() {
  return runSteps(httpFlashSaleSetup({ quantity: QUANTITY, limit: LIMIT, buyers: BUYERS, nowMs: Date.now() }), k6Sender(http, GATEWAY));
}

export default function (data) {
  const attempt = attemptFor(exec.vu.idInTest, exec.vu.iterationInScenario, { buyers: BUYERS, sendsPerKey: SENDS_PER_KEY });
  const r = post('/api/v1/orders', { flashSaleId: data.flashSaleId, qty: 1 }, data.tokens[attempt.buyerId], { 'idempotency-key': attempt.idempotencyKey });
  latency.add(r.timings.duration);
  let body = null;
  try {
    body = r.json();
  } catch (_) {
    body = null;
  }
  const outcome = classifyOrderResponse(r.status, body);
  outcomes[outcome].add(1);
  check(r, { 'an order or a clean refusal': () => outcome !== 'unexpected' });
}

export function teardown(data) {
  const r = http.get(`${GATEWAY}/api/v1/flash-sales/${data.flashSaleId}`, { headers: { authorization: `Bearer ${data.leader}` } });
  const problems = oversellProblems(r.json());
  if (problems.length) fail(problems.join('; '));
}
