// `npm run events:replay -- --stream ORDER [--consumer fulfillment-orders] [--limit 100] [--dry-run]`
// Replays dead letters once the cause is fixed; reads NATS_URL and EVENT_PREFIX as the services do.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { baseConfigShape, ConfigError, parseConfig } from './config.js';
import { createLogger } from './logger.js';
import { EventBus, STREAMS, type StreamKey } from './events.js';
import { listDeadLetters, replayDeadLetters, type DeadLetter, type ReplayOutcome } from './dead-letter-replay.js';

const USAGE = `usage: npm run events:replay -- --stream <${Object.keys(STREAMS).join('|')}> [--consumer <durable>] [--limit <n>] [--dry-run]
  Republishes dead-lettered events to their original subject, once each, and removes them from
  the dead-letter stream. --dry-run only lists them. Environment: NATS_URL, EVENT_PREFIX.`;

function usage(problem: string): never {
  process.stderr.write(`${problem}\n${USAGE}\n`);
  process.exit(2);
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        stream: { type: 'string' },
        consumer: { type: 'string' },
        limit: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const stream = values.stream?.toUpperCase();
  if (!stream) usage('--stream is required');
  if (!(stream in STREAMS)) usage(`--stream must be one of ${Object.keys(STREAMS).join(', ')} (got ${JSON.stringify(values.stream)})`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) usage(`--limit must be a positive integer (got ${JSON.stringify(values.limit)})`);
  if (values.consumer !== undefined && !/^[A-Za-z0-9_-]+$/.test(values.consumer)) usage(`--consumer must be a durable name (got ${JSON.stringify(values.consumer)})`);
  return { stream: stream as StreamKey, consumer: values.consumer, limit, dryRun: values['dry-run'] };
}

const describe = (l: DeadLetter) =>
  `DLQ #${l.dlqSeq} ${l.subject} (${l.stream} #${l.seq}, consumer ${l.consumer}, ${l.deliveries} deliveries, ${l.reason}: ${l.error})`;

async function main() {
  const query = options();
  let config;
  try {
    config = parseConfig({
      NATS_URL: baseConfigShape.NATS_URL,
      EVENT_PREFIX: baseConfigShape.EVENT_PREFIX,
      LOG_LEVEL: baseConfigShape.LOG_LEVEL.unwrap().default('warn'),
    } satisfies z.ZodRawShape);
  } catch (error) {
    if (error instanceof ConfigError) usage(error.message);
    throw error;
  }
  const bus = await EventBus.connect(config.NATS_URL, config.EVENT_PREFIX, createLogger('events-replay', config.LOG_LEVEL), 'events-replay');
  try {
    await bus.ensureStreams();
    const scope = `stream ${query.stream}${query.consumer ? `, consumer ${query.consumer}` : ''}`;
    if (query.dryRun) {
      const letters = await listDeadLetters(bus, query);
      for (const l of letters) process.stdout.write(`would replay ${describe(l)}\n`);
      process.stdout.write(`${letters.length} dead letter(s) in ${scope}; nothing replayed (--dry-run)\n`);
      return;
    }
    const outcomes: ReplayOutcome[] = await replayDeadLetters(bus, query);
    for (const o of outcomes) {
      process.stdout.write(o.replayed ? `replayed ${describe(o)} as ${o.stream} #${o.newSeq}\n` : `FAILED ${describe(o)}: ${o.failure}\n`);
    }
    const failed = outcomes.filter((o) => !o.replayed).length;
    process.stdout.write(`replayed ${outcomes.length - failed} dead letter(s) in ${scope}; ${failed} failed\n`);
    if (failed > 0) process.exitCode = 1;
  } finally {
    await bus.drain();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`events:replay failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
