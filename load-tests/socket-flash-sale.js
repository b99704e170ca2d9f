// k6: a flash sale in a live room over socket.io. Many buyers connect to the live-room service,
// join the session, wait for the server-timed countdown, and place one order each over the
// socket; every ack must be an order or SOLD_OUT/LIMIT_REACHED, and the teardown fails the run
// if the pool ever sold + held more than its quantity.
//   k6 run -e GATEWAY_URL=http://localhost:8080 -e LIVE_ROOM_URL=http://localhost:8081 \
//          -e BUYERS=500 -e QUANTITY=100 load-tests/socket-flash-sale.js
import http from 'k6/http';
import ws from 'k6/ws';
import { check, fail } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import { connectFrame, eventFrame, parseFrame, pongFrame, socketUrl } from './lib/socketio-frames.js';
import { classifyPlaceAck, oversellProblems } from './lib/flash-sale-checks.js';
import { k6Sender, runSteps, socketFlashSaleSetup } from './lib/setup-steps.js';

const GATEWAY = __ENV.GATEWAY_URL || 'http://localhost:8080';
const LIVE_ROOM = __ENV.LIVE_ROOM_URL || 'http://localhost:8081';
const BUYERS = Number(__ENV.BUYERS || 200);
const QUANTITY = Number(__ENV.QUANTITY || 50);
const COUNTDOWN_S = Number(__ENV.COUNTDOWN_SECONDS || 20);

const placeLatency = new Trend('socket_order_place_ms', true);
const ordered = new Counter('socket_orders_placed');
const refused = new Counter('socket_orders_refused');
const unexpected = new Counter('socket_orders_unexpected');

export const options = {
  setupTimeout: '60s',
  scenarios: { buyers: { executor: 'per-vu-iterations', vus: BUYERS, iterations: 1, maxDuration: `${COUNTDOWN_S + 60}s` } },
  thresholds: {
    socket_orders_unexpected: ['count==0'],
    socket_order_place_ms: ['p(95)<1000', 'p(99)<2000'],
    checks: ['rate>0.99'],
  },
};

function login(userId) {
  const r = http.post(`${GATEWAY}/api/v1/auth/dev-login`, JSON.stringify({ userId }), { headers: { 'content-type': 'application/json' } });
  if (r.status !== 200) fail(`login ${userId}: ${r.status} ${r.body}`);
  return r.json('token');
}

function api(token, method, path, body) {
  const r = http.request(method, `${GATEWAY}${path}`, body === undefined ? null : JSON.stringify(body), {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  });
  if (r.status >= 300) fail(`${method} ${path}: ${r.status} ${r.body}`);
  return r.json();
}

/** One socket.io exchange in k6/ws: connect, then `onReady(send)`; `send` returns via callbacks. */
function withSocket(token, onReady, onEvent) {
  let nextAck = 1;
  const pending = {};
  return ws.connect(socketUrl(LIVE_ROOM), {}, (socket) => {
    const emit = (event, payload, callback) => {
      const id = nextAck++;
      pending[id] = callback;
      socket.send(eventFrame(event, payload, id));
    };
    socket.on('message', (raw) => {
      const f = parseFrame(raw);
      if (f.kind === 'open') socket.send(connectFrame({ token }));
      else if (f.kind === 'ping') socket.send(pongFrame());
      else if (f.kind === 'connect') onReady(emit, socket);
      else if (f.kind === 'connect_error') fail(`socket refused: ${JSON.stringify(f.error)}`);
      else if (f.kind === 'ack' && pending[f.ackId]) {
        const cb = pending[f.ackId];
        delete pending[f.ackId];
        cb(f.args[0]);
      } else if (f.kind === 'event' && onEvent) onEvent(f.event, f.args[0], emit, socket);
    });
    socket.setTimeout(() => socket.close(), (COUNTDOWN_S + 50) * 1000);
  });
}

export function setup() {
  const { sessionId, skuId, leader } = runSteps(socketFlashSaleSetup({ quantity: QUANTITY, nowMs: Date.now() }), k6Sender(http, GATEWAY));
  const session = { id: sessionId };
  const product = { skus: [{ id: skuId }] };
  let sale;
  withSocket(leader, (emit, socket) => {
    emit('session:join', { sessionId: session.id }, (joined) => {
      if (!joined.ok) fail(`leader join: ${JSON.stringify(joined)}`);
      emit('sale:start', { skuId: product.skus[0].id, warehouseId: 'wh-1', salePriceFen: 990, quantity: QUANTITY, perBuyerLimit: 1, countdownSeconds: COUNTDOWN_S }, (ack) => {
        if (!ack.ok) fail(`sale:start: ${JSON.stringify(ack)}`);
        sale = ack.data.sale;
        socket.close();
      });
    });
  });
  if (!sale) fail('the sale was not started');
  return { sessionId: session.id, flashSaleId: sale.id, leader };
}

export default function (data) {
  const token = login(`buyer-${__VU}`);
  withSocket(token, (emit, socket) => {
    emit('session:join', { sessionId: data.sessionId }, (joined) => {
      if (!check(joined, { 'joined the room': (j) => j.ok === true && j.data.sale && j.data.sale.id === data.flashSaleId })) return socket.close();
      // Countdown against the server's clock, as the buyer page does.
      const offset = joined.data.serverNowMs - Date.now();
      const wait = Math.max(0, joined.data.sale.startsAtMs - (Date.now() + offset)) + Math.random() * 200;
      socket.setTimeout(() => {
        const t0 = Date.now();
        emit('order:place', { flashSaleId: data.flashSaleId, qty: 1, idempotencyKey: `k6-${data.flashSaleId}-${__VU}` }, (ack) => {
          placeLatency.add(Date.now() - t0);
          const kind = classifyPlaceAck(ack);
          check(ack, { 'order:place ack is an order, SOLD_OUT or LIMIT_REACHED': () => kind !== 'unexpected' });
          if (kind === 'ordered') ordered.add(1);
          else if (kind === 'refused') refused.add(1);
          else unexpected.add(1);
          socket.close();
        });
      }, wait);
    });
  });
}

export function teardown(data) {
  const pool = api(data.leader, 'GET', `/api/v1/flash-sales/${data.flashSaleId}`);
  const problems = oversellProblems(pool);
  console.log(`pool ${data.flashSaleId}: quantity ${pool.quantity}, sold ${pool.sold}, held ${pool.held}, available ${pool.available}`);
  if (problems.length) fail(`oversell check failed: ${problems.join('; ')}`);
}
