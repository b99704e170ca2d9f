// The pod's SFU, which may arrive after the pod is up: on a fresh machine `npm start` builds the
// mediasoup worker in the background, and the room serves sessions, chat, pins and sales meanwhile.
// Media switches on in place when the binary appears — no restart, no client reconnect.
import type { Logger } from '@lc/kit';
import { MediaCluster, type MediaClusterOptions } from './media/index.js';
import { workerExists, workerMissing } from './media-worker-bin.js';

// The build installs the binary with an atomic rename, so seeing it means it is complete.
const WATCH_INTERVAL_MS = 1_000;

export type MediaState = 'off' | 'preparing' | 'on' | 'failed';

export class MediaSupply {
  private current: MediaCluster | undefined;
  private watching: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(private now: MediaState) {}

  static off(): MediaSupply {
    return new MediaSupply('off');
  }

  /**
   * Media on at once when the worker binary is there; else, with `waitForWorker`, "preparing"
   * until it appears, and without it the start fails (a broken image must not pass readiness).
   */
  static async start(options: MediaClusterOptions, waitForWorker: boolean, logger: Logger): Promise<MediaSupply> {
    if (workerExists(options.workerBin)) {
      const supply = new MediaSupply('on');
      supply.current = await MediaCluster.create(options);
      return supply;
    }
    if (!waitForWorker) throw workerMissing(options.workerBin);
    const supply = new MediaSupply('preparing');
    supply.watch(options, logger);
    return supply;
  }

  get state(): MediaState {
    return this.now;
  }

  get cluster(): MediaCluster | undefined {
    return this.current;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.watching);
    this.current?.close();
  }

  private watch(options: MediaClusterOptions, logger: Logger): void {
    logger.warn({ workerBin: options.workerBin }, 'media is being prepared: the mediasoup worker is not built yet; media switches on when it appears');
    this.watching = setInterval(() => {
      if (!workerExists(options.workerBin)) return;
      clearInterval(this.watching);
      MediaCluster.create(options).then(
        (cluster) => {
          if (this.closed) return cluster.close();
          this.current = cluster;
          this.now = 'on';
          logger.info({ workerBin: options.workerBin }, 'media is on: the mediasoup worker appeared');
        },
        (err: unknown) => {
          this.now = 'failed';
          logger.error({ err, workerBin: options.workerBin }, 'media could not start with the new worker; restart live-room once it is fixed');
        },
      );
    }, WATCH_INTERVAL_MS);
    this.watching.unref();
  }
}
