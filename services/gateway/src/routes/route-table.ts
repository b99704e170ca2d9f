// Routes are declared as tables of named handlers, so a trace, a log line or a search for "the
// pay handler" finds the function by name; this registers a table with its role guard.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '@lc/contracts';
import type { Auth } from '../adapters/auth.js';

export type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Roles admitted; [] admits any signed-in user, 'public' anyone. */
  roles: readonly Role[] | 'public';
  handler: RouteHandler;
  /** Bytes a request body may have, above the server's default (e.g. photo uploads). */
  bodyLimit?: number;
}

export function registerRoutes(app: FastifyInstance, auth: Auth, table: readonly RouteSpec[]): void {
  for (const { method, url, roles, handler, bodyLimit } of table) {
    app.route({ method, url, handler, ...(bodyLimit ? { bodyLimit } : {}), ...(roles === 'public' ? {} : { preHandler: auth.guard(...roles) }) });
  }
}
