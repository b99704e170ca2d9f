// What a page needs to know before it signs in: where the live room's socket is. Pages served by
// the gateway ask here, so one deployment setting replaces guessing "this host, port 8081" (which
// only holds in development).
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../adapters/auth.js';
import { registerRoutes } from './route-table.js';

export function clientConfigRoutes(app: FastifyInstance, deps: { auth: Auth; liveRoomPublicUrl?: string }) {
  const body = deps.liveRoomPublicUrl ? { liveRoomUrl: deps.liveRoomPublicUrl } : {};

  async function clientConfigHandler() {
    return body;
  }

  registerRoutes(app, deps.auth, [{ method: 'GET', url: '/api/v1/config', roles: 'public', handler: clientConfigHandler }]);
}
