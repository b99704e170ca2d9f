// The last line of every service's main.ts: log a start-up failure once and exit 1.
import { ConfigError } from './config.js';
import { createLogger } from './logger.js';

export function exitOnStartupFailure(service: string) {
  return (error: unknown): never => {
    const logger = createLogger(service);
    if (error instanceof ConfigError) {
      logger.fatal({ problems: error.problems }, error.message);
    } else {
      logger.fatal({ err: error }, 'failed to start');
    }
    logger.flush();
    process.exit(1);
  };
}
