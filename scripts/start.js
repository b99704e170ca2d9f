// `npm start`: backing services up, every service started with readable prefixed logs, the demo
// seeded, the URLs printed; a missing mediasoup worker is then built in the background and
// live-room switches video on when it lands. Ctrl-C stops everything cleanly, the build included.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureBackingServices } from './backing-services.js';
import { buildMediasoupWorkerInBackground } from './ensure-tools.js';
import { seedDemo } from './seed-demo.js';

const root = join(import.meta.dirname, '..');
const services = [
  { name: 'inventory', http: 8082, color: 33 },
  { name: 'order', http: 8083, color: 35 },
  { name: 'fulfillment', http: 8084, color: 36 },
  { name: 'leader', http: 8085, color: 31 },
  { name: 'live-room', http: 8081, color: 34 },
  { name: 'gateway', http: 8080, color: 32 },
];
const levels = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function prefixLines(name, color, stream) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (!line) continue;
      let text = line;
      try {
        const { level, time, msg, service: _s, name: _n, pid: _p, hostname: _h, trace_id, span_id: _sp, ...extra } = JSON.parse(line);
        const fields = Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : '';
        text = `${time?.slice(11, 19) ?? ''} ${levels[level] ?? level} ${msg ?? ''}${fields}${trace_id ? ` trace=${trace_id.slice(0, 8)}` : ''}`;
      } catch {
        // not a log line: print as it is
      }
      process.stdout.write(`\x1b[${color}m${name.padEnd(11)}|\x1b[0m ${text}\n`);
    }
  });
}

async function waitReady(port, name, children) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (children.get(name)?.exitCode !== null) throw new Error(`${name} exited during start`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} not ready within 60 s`);
}

async function main() {
  await ensureBackingServices();
  const env = { ...process.env };
  // A worker named explicitly must exist; the cached one may still be on its way.
  const buildWorker = !env.MEDIASOUP_WORKER_BIN;
  if (buildWorker) env.MEDIASOUP_WORKER_WAIT = 'true';
  let workerBuild;
  process.on('exit', () => workerBuild?.stop());
  const children = new Map();
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    const buildStopped = workerBuild?.stop();
    for (const child of [...children.values()].reverse()) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all([...children.values()].map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    await buildStopped;
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  for (const s of services) {
    const child = spawn(process.execPath, ['--import', '@lc/kit/telemetry-register', join(root, 'services', s.name, 'dist', 'main.js')], {
      cwd: root,
      env: { ...env, OTEL_SERVICE_NAME: s.name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(s.name, child);
    prefixLines(s.name, s.color, child.stdout);
    prefixLines(s.name, s.color, child.stderr);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${s.name} exited (${signal ?? code}); stopping the rest`);
        void stopAll(1);
      }
    });
  }
  const started = Date.now();
  await Promise.all(services.map((s) => waitReady(s.http, s.name, children)));
  // Only now: the compilers would slow the services' start (instant when the worker is cached).
  if (buildWorker && !stopping) workerBuild = buildMediasoupWorkerInBackground();
  console.log(`all services ready in ${((Date.now() - started) / 1000).toFixed(1)} s; seeding the demo…`);
  const { sessionId, groupBuyId } = await seedDemo('http://127.0.0.1:8080', 'http://127.0.0.1:8081');
  console.log(`
  Buyer live room   http://localhost:8080/live.html?session=${sessionId}&leader=leader-1
  Buyer shop        http://localhost:8080/shop.html        (orders at list price)
  My orders         http://localhost:8080/orders.html      (timeline, pickup point, pickup code and QR)
  Leader console    http://localhost:8080/leader.html      (dev login: leader-1)
  Group buy (开团)   http://localhost:8080/group-buy.html?id=${groupBuyId}
  Warehouse         http://localhost:8080/warehouse.html   (warehouse-1)
  Driver            http://localhost:8080/driver.html      (driver-1)
  Pickup point      http://localhost:8080/pickup.html      (leader-1)
  Admin console     http://localhost:8080/admin.html       (admin-1: leader applications, approve or reject)
  Become a leader   http://localhost:8080/apply.html       (after signing in by phone)
  Sign in by phone  http://localhost:8080/signin.html      (codes land in the dev inbox, shown on the page)
                    demo phones: leader-1 13800000001, leader-2 13800000002, leader-3 13800000003,
                    warehouse-1 13800000011, warehouse-2 13800000012, driver-1 13800000021,
                    driver-2 13800000022, admin-1 13800000099; any other mobile number signs up a buyer
  REST API          http://localhost:8080/api/v1           (POST /api/v1/auth/dev-login {"userId":"buyer-1"})
  Health            http://localhost:808{0..5}/readyz, gRPC health on 5005{0..5}
  Ctrl-C stops everything.
`);
  if (workerBuild) reportWorkerBuild(workerBuild, () => stopping);
}

function reportWorkerBuild(build, stopping) {
  if (build.running()) {
    console.log(`  Live video: being prepared — the mediasoup worker is building in the background (first start only,
  several minutes; progress in ${build.logFile}). Everything else works now; video switches on by itself.
`);
  }
  void build.done.then(({ ok, seconds }) => {
    if (stopping()) return;
    if (!ok) console.error(`mediasoup worker build failed after ${seconds.toFixed(0)} s (see ${build.logFile}); everything but live video works`);
    else if (seconds > 5) console.log(`mediasoup worker built in ${seconds.toFixed(0)} s; live video is on`);
  });
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
