// Live-room service entry: configuration, composition, graceful shutdown.
import { exitOnStartupFailure, onSigterm, parseConfig } from '@lc/kit';
import { configShape } from './config.js';
import { startLiveRoom } from './service.js';

async function main() {
  const config = parseConfig(configShape);
  const { runtime } = await startLiveRoom(config);
  onSigterm(runtime.logger, () => runtime.stop(), config.SHUTDOWN_TIMEOUT_MS);
}

main().catch(exitOnStartupFailure('live-room'));
