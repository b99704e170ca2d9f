// `npm test`: makes sure the backing services run, then runs every *.test.ts with node's test
// runner (through tsx) against them.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureBackingServices } from './backing-services.js';
import { ensureChromium, ensureMediasoupWorker } from './ensure-tools.js';

const root = join(import.meta.dirname, '..');
const roots = ['test', 'packages', 'services', 'deploy', 'load-tests', 'web'];
const only = process.argv.slice(2);

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts') && path.includes('/test/')) out.push(relative(root, path));
  }
  return out;
}

await ensureBackingServices();
const workerBin = ensureMediasoupWorker();
ensureChromium();
let files = roots.flatMap((r) => {
  try {
    return findTests(join(root, r));
  } catch {
    return [];
  }
});
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
files.sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN ?? workerBin } },
);
process.exit(result.status ?? 1);
