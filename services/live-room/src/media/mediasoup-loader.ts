// Loads the mediasoup module with a chosen worker binary.
// mediasoup reads MEDIASOUP_WORKER_BIN once, when its module is evaluated, so the variable must be
// set before the first import; hence the dynamic import behind this function.
import { accessSync, constants } from 'node:fs';

export type Mediasoup = typeof import('mediasoup');

let loading: Promise<Mediasoup> | undefined;
let loadedWith: string | undefined;

export async function loadMediasoup(workerBin: string): Promise<Mediasoup> {
  // Fail here with the path in the message rather than later with mediasoup's spawn ENOENT.
  try {
    accessSync(workerBin, constants.X_OK);
  } catch {
    throw new Error(`mediasoup worker binary is missing or not executable: ${workerBin} (build it with scripts/mediasoup-worker.sh)`);
  }
  if (loading === undefined) {
    process.env.MEDIASOUP_WORKER_BIN = workerBin;
    loadedWith = workerBin;
    loading = import('mediasoup').then((mod) => {
      // A CommonJS package: depending on the loader the API is the namespace or its default.
      const api = (mod as Mediasoup & { default?: Mediasoup }).default ?? mod;
      return api;
    });
  }
  const mediasoup = await loading;
  // The module keeps the binary it saw first; a second path would be silently ignored.
  if (mediasoup.workerBin !== workerBin) {
    throw new Error(`mediasoup was already loaded with worker ${String(mediasoup.workerBin)} (requested ${workerBin}, first requested ${String(loadedWith)})`);
  }
  return mediasoup;
}
