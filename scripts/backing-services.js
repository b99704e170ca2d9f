// Makes sure Postgres, Redis and NATS JetStream answer on their local ports; starts the system's
// installed servers when they are down, or names the exact install command.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { Socket } from 'node:net';

const services = [
  {
    name: 'PostgreSQL',
    port: 5432,
    binary: '/usr/lib/postgresql',
    install: 'apt-get install -y postgresql',
    start: () => `pg_ctlcluster --skip-systemctl-redirect ${readdirSync('/etc/postgresql')[0]} main start`,
  },
  {
    name: 'Redis',
    port: 6379,
    binary: '/usr/bin/redis-server',
    install: 'apt-get install -y redis-server',
    start: () =>
      'mkdir -p /var/lib/redis /var/log/redis && redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  },
  {
    name: 'NATS (JetStream)',
    port: 4222,
    binary: '/usr/sbin/nats-server',
    install: 'apt-get install -y nats-server',
    start: () =>
      'mkdir -p /var/lib/nats-server && start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log',
  },
];

function reachable(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
}

export async function ensureBackingServices(log = console.log) {
  for (const s of services) {
    if (await reachable(s.port)) continue;
    if (!existsSync(s.binary)) {
      throw new Error(`${s.name} is not running on 127.0.0.1:${s.port} and is not installed; install it with: ${s.install}`);
    }
    log(`starting ${s.name}…`);
    execSync(s.start(), { stdio: 'inherit', shell: '/bin/bash' });
    const deadline = Date.now() + 20_000;
    while (!(await reachable(s.port))) {
      if (Date.now() > deadline) throw new Error(`${s.name} did not come up on port ${s.port}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await ensurePostgresConnections(log);
  log('PostgreSQL, Redis and NATS are up');
}

/**
 * The suites run two at a time, each bringing up every service with its own pools: more than
 * Postgres' default of 100 connections ("sorry, too many clients already"). Raised once, where we
 * may; a server we may not change is left alone with a warning.
 */
async function ensurePostgresConnections(log, wanted = 400) {
  try {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
    await client.connect();
    try {
      const { rows } = await client.query('SHOW max_connections');
      if (Number(rows[0].max_connections) >= wanted) return;
      await client.query(`ALTER SYSTEM SET max_connections = ${wanted}`);
    } finally {
      await client.end();
    }
    log(`raising PostgreSQL max_connections to ${wanted} (restarts it)…`);
    execSync(`pg_ctlcluster --skip-systemctl-redirect ${readdirSync('/etc/postgresql')[0]} main restart`, { stdio: 'inherit', shell: '/bin/bash' });
    const deadline = Date.now() + 20_000;
    while (!(await reachable(5432))) {
      if (Date.now() > deadline) throw new Error('PostgreSQL did not come back on port 5432');
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (e) {
    log(`warning: PostgreSQL max_connections not raised (${e.message}); parallel suites may run out of connections`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureBackingServices().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
