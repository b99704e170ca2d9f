// Graceful shutdown: on SIGTERM/SIGINT stop taking work, let in-flight work finish, close pools,
// exit 0; a step that hangs past the timeout is abandoned so the process still exits.
import type { Logger } from './logger.js';

export type ShutdownStep = [name: string, run: () => Promise<void> | void];

export function onSigterm(logger: Logger, stop: () => Promise<void>, timeoutMs: number): void {
  let started = false;
  const handler = (signal: string) => {
    if (started) return;
    started = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, timeoutMs + 1000);
    timer.unref();
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => handler('SIGTERM'));
  process.once('SIGINT', () => handler('SIGINT'));
}

export async function runShutdown(logger: Logger, steps: ShutdownStep[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const [name, run] of steps) {
    const left = Math.max(deadline - Date.now(), 100);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.resolve()
        .then(run)
        .catch((err: unknown) => logger.warn({ err, step: name }, 'shutdown step failed')),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn({ step: name }, 'shutdown step timed out');
          resolve();
        }, left);
      }),
    ]);
    clearTimeout(timer);
  }
}
