// Where the mediasoup worker binary is: MEDIASOUP_WORKER_BIN, else the cache that
// scripts/mediasoup-worker.sh fills (built offline from Debian's libraries).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

export function mediasoupWorkerBin(configured: string | undefined): string {
  if (configured) {
    if (!existsSync(configured)) throw new Error(`MEDIASOUP_WORKER_BIN=${configured} does not exist (build it with: bash scripts/mediasoup-worker.sh)`);
    return configured;
  }
  const version = (createRequire(import.meta.url)('mediasoup/package.json') as { version: string }).version;
  const cacheRoot = process.env.MEDIASOUP_WORKER_CACHE ?? join(os.homedir(), '.cache', 'livecommerce');
  const cached = join(cacheRoot, `mediasoup-worker-${version}`, 'mediasoup-worker');
  if (!existsSync(cached)) {
    throw new Error(`mediasoup worker not found: set MEDIASOUP_WORKER_BIN, or build ${cached} with: bash scripts/mediasoup-worker.sh (or set MEDIA_ENABLED=false)`);
  }
  return cached;
}
