// Where the mediasoup worker binary is: MEDIASOUP_WORKER_BIN, else the cache that
// scripts/mediasoup-worker.sh fills (built offline from Debian's libraries).
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

/** The path the worker is (or will be, once built) at; the binary may not exist yet. */
export function mediasoupWorkerPath(configured: string | undefined): string {
  if (configured) return configured;
  const version = (createRequire(import.meta.url)('mediasoup/package.json') as { version: string }).version;
  const cacheRoot = process.env.MEDIASOUP_WORKER_CACHE ?? join(os.homedir(), '.cache', 'livecommerce');
  return join(cacheRoot, `mediasoup-worker-${version}`, 'mediasoup-worker');
}

export function workerExists(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function workerMissing(path: string): Error {
  return new Error(
    `mediasoup worker not found at ${path}: build it with: bash scripts/mediasoup-worker.sh (or set MEDIASOUP_WORKER_BIN, MEDIASOUP_WORKER_WAIT=true to start without media until it appears, or MEDIA_ENABLED=false)`,
  );
}
