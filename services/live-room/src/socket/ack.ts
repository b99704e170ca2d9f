// Every socket event goes through `onEvent`: its payload is checked with a zod schema, its
// handler's result or refusal becomes the ack `{ok:true, data}` / `{ok:false, code, message}`,
// and nothing a client sends can throw past it (an unexpected error is logged once, acked INTERNAL).
import type { Socket } from 'socket.io';
import { z } from 'zod';
import { isDomainError, type Logger } from '@lc/kit';
import type { Ack } from '@lc/contracts';
import { MediaError } from '../media/index.js';

export type { Ack } from '@lc/contracts';

/** A refusal a client can act on; codes are listed in docs/live-room-socket-protocol.md. */
export class RoomRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RoomRefusal';
  }
}

export function refusalAck(err: unknown, logger: Logger, event: string): Ack<never> {
  if (err instanceof RoomRefusal) return { ok: false, code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  if (isDomainError(err)) return { ok: false, code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  if (err instanceof MediaError) return { ok: false, code: err.code, message: err.message };
  logger.error({ err, event }, 'socket event failed');
  return { ok: false, code: 'INTERNAL', message: 'internal error' };
}

export function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid payload';
  const path = issue.path.join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** One row of a socket's event table: a named handler and the schema its payload must pass. */
export interface EventSpec {
  name: string;
  handler: { name: string };
  attach: (socket: Socket, logger: Logger) => void;
}

export function event<S extends z.ZodType>(name: string, schema: S, handler: (payload: z.infer<S>) => Promise<unknown>): EventSpec {
  return { name, handler, attach: (socket, logger) => onEvent(socket, logger, name, schema, handler) };
}

/** Registers an event table on a socket; handlers are named functions, so traces and logs name them. */
export function registerEvents(socket: Socket, logger: Logger, table: readonly EventSpec[]): void {
  for (const e of table) e.attach(socket, logger);
}

export function onEvent<S extends z.ZodType, R>(
  socket: Socket,
  logger: Logger,
  event: string,
  schema: S,
  handler: (payload: z.infer<S>) => Promise<R>,
): void {
  socket.on(event, (...args: unknown[]) => {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (a: Ack<R>) => void) : () => undefined;
    // An ack-only emit (no payload) validates as {} so events with optional fields still work.
    const raw = typeof args[0] === 'function' ? undefined : args[0];
    const parsed = schema.safeParse(raw ?? {});
    if (!parsed.success) {
      ack({ ok: false, code: 'INVALID_ARGUMENT', message: zodMessage(parsed.error) });
      return;
    }
    // Through a promise so a handler that throws synchronously is acked like one that rejects.
    Promise.resolve()
      .then(() => handler(parsed.data))
      .then(
      (data) => ack({ ok: true, data }),
      (err: unknown) => ack(refusalAck(err, logger, event)),
    );
  });
}
