// Tools the test suite needs beyond npm packages: the mediasoup worker (built from source once,
// cached) and Debian's Chromium for the browser tests. Installs them when missing and allowed.
import { execFileSync, execSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

export function ensureMediasoupWorker(log = console.log) {
  log('mediasoup worker: checking (first build takes several minutes)…');
  const out = execFileSync('bash', [join(root, 'scripts/mediasoup-worker.sh')], { stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();
  return out.split('\n').pop();
}

/**
 * The same build without waiting for it: `npm start` serves every page meanwhile and live-room
 * switches media on when the binary lands in the cache. Niced, so pages stay responsive while it
 * compiles; its own process group, so `stop()` ends the compilers too (the next start builds again).
 */
export function buildMediasoupWorkerInBackground() {
  const logFile = join(root, '.cache', 'mediasoup-worker-build.log');
  mkdirSync(join(root, '.cache'), { recursive: true });
  const log = openSync(logFile, 'w');
  const started = Date.now();
  const child = spawn('nice', ['-n', '10', 'bash', join(root, 'scripts/mediasoup-worker.sh')], { cwd: root, detached: true, stdio: ['ignore', log, log] });
  const done = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ ok: code === 0, signal, seconds: (Date.now() - started) / 1000 }));
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  let stopped = false;
  return {
    logFile,
    done,
    running,
    /** Ends the build's whole group once; the promise settles when the script has cleaned up. */
    stop: () => {
      if (running() && !stopped) {
        stopped = true;
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      return done;
    },
  };
}

export function ensureChromium(log = console.log) {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  if (process.getuid?.() !== 0) throw new Error('Chromium is missing; install it with: apt-get install -y chromium');
  log('installing Debian chromium for the browser tests…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit', shell: '/bin/bash' });
  return '/usr/bin/chromium';
}
