// Types for backing-services.js, for the TypeScript callers (bench/*.ts).

/**
 * Makes sure Postgres, Redis and NATS JetStream answer on their local ports, starting the installed
 * servers when they are down; rejects naming the install command when one is missing.
 */
export function ensureBackingServices(log?: (message: string) => void): Promise<void>;
