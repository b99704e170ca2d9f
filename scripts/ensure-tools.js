// Tools the test suite needs beyond npm packages: the mediasoup worker (built from source once,
// cached) and Debian's Chromium for the browser tests. Installs them when missing and allowed.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

export function ensureMediasoupWorker(log = console.log) {
  log('mediasoup worker: checking (first build takes several minutes)…');
  const out = execFileSync('bash', [join(root, 'scripts/mediasoup-worker.sh')], { stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();
  return out.split('\n').pop();
}

export function ensureChromium(log = console.log) {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  if (process.getuid?.() !== 0) throw new Error('Chromium is missing; install it with: apt-get install -y chromium');
  log('installing Debian chromium for the browser tests…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit', shell: '/bin/bash' });
  return '/usr/bin/chromium';
}
