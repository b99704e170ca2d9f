// Starts the services a test needs, in-process (fast) or as child processes (for kill and
// signal tests), wired to each other and isolated from other tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseConfig, RpcClient } from '@lc/kit';
import { FulfillmentServiceClient } from '@lc/contracts';
import { configShape as inventoryShape } from '../services/inventory/src/config.js';
import { startInventory } from '../services/inventory/src/service.js';
import { configShape as orderShape } from '../services/order/src/config.js';
import { startOrder } from '../services/order/src/service.js';
import { configShape as gatewayShape } from '../services/gateway/src/config.js';
import { startGateway } from '../services/gateway/src/service.js';
import { configShape as fulfillmentShape } from '../services/fulfillment/src/config.js';
import { startFulfillment } from '../services/fulfillment/src/service.js';
import { configShape as leaderShape } from '../services/leader/src/config.js';
import { startLeader, type LeaderOptions } from '../services/leader/src/service.js';
import type { Isolation } from './isolation.js';

export const repoRoot = join(import.meta.dirname, '..');

/** Where the kernel picks ports for `listen(0)` (Linux); the fallback is its default. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux
  }
  return [32768, 60999];
}

/**
 * A port free now, for a service started later (when its address must be known first). Taken from
 * below the kernel's ephemeral range: a port from `listen(0)` is handed out again by the kernel to
 * the next `listen(0)`, and the services a test starts meanwhile (all on port 0) took it, with
 * EADDRINUSE for the one meant to have it.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  const floor = Math.max(1024, low - 12_000);
  for (let tries = 0; tries < 100; tries++) {
    const port = floor + Math.floor(Math.random() * (low - floor));
    const server = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      await new Promise((r) => server.close(r));
      return port;
    }
  }
  throw new Error(`no free port found in ${floor}-${low - 1}`);
}

/**
 * inventory + order + fulfillment + gateway in this process; returns the gateway's base URL.
 * Fulfillment is on unless turned off: the gateway asks it which warehouse serves a leader before
 * products and pools are created. The leader service only when asked for (`leader: true`).
 */
export async function startCore(
  iso: Isolation,
  overrides: Record<string, Record<string, string>> = {},
  opts: { fulfillment?: boolean; leader?: boolean | LeaderOptions; orderOptions?: Parameters<typeof startOrder>[2]; fulfillmentOptions?: Parameters<typeof startFulfillment>[2] } = {},
) {
  const fulfillment = opts.fulfillment !== false
    ? await startFulfillment(parseConfig(fulfillmentShape, { ...iso.env('fulfillment'), WAVE_CLOSE_INTERVAL_MS: '0', ...overrides.fulfillment }), undefined, opts.fulfillmentOptions)
    : undefined;
  const inventory = await startInventory(parseConfig(inventoryShape, { ...iso.env('inventory'), ...overrides.inventory }));
  const order = await startOrder(
    parseConfig(orderShape, {
      ...iso.env('order'),
      INVENTORY_ADDR: `127.0.0.1:${inventory.runtime.grpcPort}`,
      // Placements are checked against fulfillment's pickup points.
      ...(fulfillment ? { FULFILLMENT_ADDR: `127.0.0.1:${fulfillment.runtime.grpcPort}` } : {}),
      ...overrides.order,
    }),
    undefined,
    opts.orderOptions,
  );
  const leader = opts.leader
    ? await startLeader(
        parseConfig(leaderShape, {
          ...iso.env('leader'),
          INVENTORY_ADDR: `127.0.0.1:${inventory.runtime.grpcPort}`,
          // Approved leaders' pickup points are opened in fulfillment.
          ...(fulfillment ? { FULFILLMENT_ADDR: `127.0.0.1:${fulfillment.runtime.grpcPort}` } : {}),
          JOBS_INTERVAL_MS: '0',
          ...overrides.leader,
        }),
        opts.leader === true ? {} : opts.leader,
      )
    : undefined;
  const gateway = await startGateway(
    parseConfig(gatewayShape, {
      ...iso.env('gateway'),
      INVENTORY_ADDR: `127.0.0.1:${inventory.runtime.grpcPort}`,
      ORDER_ADDR: `127.0.0.1:${order.runtime.grpcPort}`,
      ...(fulfillment ? { FULFILLMENT_ADDR: `127.0.0.1:${fulfillment.runtime.grpcPort}` } : {}),
      ...(leader ? { LEADER_ADDR: `127.0.0.1:${leader.runtime.grpcPort}` } : {}),
      ...overrides.gateway,
    }),
  );
  return {
    inventory,
    order,
    gateway,
    fulfillment,
    leader,
    url: `http://127.0.0.1:${gateway.runtime.httpPort}`,
    async stop() {
      await gateway.runtime.stop();
      await leader?.runtime.stop();
      await order.runtime.stop();
      await inventory.runtime.stop();
      await fulfillment?.runtime.stop();
    },
  };
}

export interface ServiceProcess {
  child: ChildProcess;
  httpPort: number;
  grpcPort: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a service's compiled entry point as `npm start` does; resolves once /readyz says ready. */
export async function spawnService(name: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const httpPort = env.HTTP_PORT && env.HTTP_PORT !== '0' ? Number(env.HTTP_PORT) : await freePort();
  const grpcPort = env.GRPC_PORT && env.GRPC_PORT !== '0' ? Number(env.GRPC_PORT) : await freePort();
  const child = spawn(process.execPath, [...(process.env.SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', '@lc/kit/telemetry-register', join(repoRoot, 'services', name, 'dist', 'main.js')], {
    cwd: repoRoot,
    env: { ...process.env, ...env, HTTP_PORT: String(httpPort), GRPC_PORT: String(grpcPort), OTEL_SERVICE_NAME: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready in ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, httpPort, grpcPort, output: () => out, exited };
}

/** Fulfillment alone in this process with a gRPC client to it, as its own tests drive it. */
export async function startFulfillmentAlone(iso: Isolation, env: Record<string, string>) {
  const service = await startFulfillment(parseConfig(fulfillmentShape, { ...iso.env('fulfillment'), ...env }));
  const client = new RpcClient(FulfillmentServiceClient, `127.0.0.1:${service.runtime.grpcPort}`);
  return {
    service,
    client,
    async stop() {
      client.close();
      await service.runtime.stop();
    },
  };
}
