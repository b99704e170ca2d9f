// Service configuration: one zod schema per service, parsed from the environment once at start.
// A missing or malformed variable stops the process with a message naming the variable.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL with scheme ${protocols.map((p) => p.replace(':', '://')).join(' or ')}`);

const port = z.coerce.number().int().min(0).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Variables every service reads; the defaults suit a developer machine. */
export const baseConfigShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_PORT: port,
  GRPC_PORT: port,
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/postgres'),
  DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().default('lc:'),
  NATS_URL: url(['nats:', 'tls:']).default('nats://127.0.0.1:4222'),
  // Prefixes every stream and subject so tests (and tenants of one NATS) stay apart.
  EVENT_PREFIX: z.string().regex(/^[a-z0-9_]*$/).default(''),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
};

/**
 * Checks a variable must pass when NODE_ENV=production, keyed by the variable's schema: each gets
 * the raw value and returns the problem, if any. Kept beside the schemas (rather than in each
 * service) so every service refuses the same things the same way.
 */
const productionRules = new WeakMap<z.ZodType, (value: string | undefined) => string | undefined>();

/** Every secret's committed development default: production refuses each of them for any secret. */
const committedSecrets = new Set<string>();

/** Shortest secret production accepts: 32 bytes, as much as an HMAC-SHA256 key can use. */
export const PRODUCTION_SECRET_BYTES = 32;

/**
 * A secret with a committed default that only development and tests may use. In production it
 * must be set, at least 32 bytes long and not any committed default.
 */
const secret = (devDefault: string, devMinLength = 16) => {
  committedSecrets.add(devDefault);
  const schema = z.string().min(devMinLength, `must be at least ${devMinLength} characters`).default(devDefault);
  productionRules.set(schema, (value) => {
    if (value === undefined) return 'must be set in production';
    if (committedSecrets.has(value)) return 'is a committed development default, refused in production';
    if (Buffer.byteLength(value) < PRODUCTION_SECRET_BYTES) return `must be at least ${PRODUCTION_SECRET_BYTES} bytes in production`;
    return undefined;
  });
  return schema;
};

/** A switch for developer conveniences (e.g. the dev login) that production refuses to turn on. */
const devOnlyFlag = () => {
  const schema = bool.optional();
  productionRules.set(schema, (value) =>
    value !== undefined && bool.safeParse(value).data === true ? 'must not be on in production' : undefined,
  );
  return schema;
};

/**
 * A variable development may leave unset (its code supplies the default) but production must name,
 * because no default is safe there (the browsers' origins, the payment provider).
 */
const requiredInProduction = <T extends z.ZodType>(schema: T, why: string): T => {
  productionRules.set(schema, (value) => (value === undefined ? `must be set in production ${why}` : undefined));
  return schema;
};

/**
 * A URL development may point at plain http (a local test peer) but production must reach over
 * https, as it carries credentials or sends buyers there.
 */
const httpsInProduction = <T extends z.ZodType>(schema: T): T => {
  productionRules.set(schema, (value) => (value !== undefined && !value.startsWith('https://') ? 'must be an https URL in production' : undefined));
  return schema;
};

export const configTypes = { url, port, bool, secret, devOnlyFlag, requiredInProduction, httpsInProduction };

/** The base variables with this service's own defaults for ports and schema, plus its extras. */
export function serviceConfigShape<E extends z.ZodRawShape>(defaults: { HTTP_PORT: number; GRPC_PORT: number; DB_SCHEMA: string }, extra: E) {
  return {
    ...baseConfigShape,
    HTTP_PORT: port.default(defaults.HTTP_PORT),
    GRPC_PORT: port.default(defaults.GRPC_PORT),
    DB_SCHEMA: baseConfigShape.DB_SCHEMA.default(defaults.DB_SCHEMA),
    ...extra,
  };
}

/** Where each service's gRPC server listens on a developer machine. */
export const localAddresses = {
  INVENTORY_ADDR: z.string().default('127.0.0.1:50052'),
  ORDER_ADDR: z.string().default('127.0.0.1:50053'),
  FULFILLMENT_ADDR: z.string().default('127.0.0.1:50054'),
  LEADER_ADDR: z.string().default('127.0.0.1:50055'),
  LIVE_ROOM_ADDR: z.string().default('127.0.0.1:50051'),
};

export type Env = Record<string, string | undefined>;

/**
 * Parses `env` against `shape`, treating empty strings as unset. Throws ConfigError listing every
 * bad variable by name.
 */
export function parseConfig<S extends z.ZodRawShape>(shape: S, env: Env = process.env): z.infer<z.ZodObject<S>> {
  const cleaned: Env = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = z.object(shape).safeParse(cleaned);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const value = env[name];
        const shown = value === undefined ? 'unset' : `got ${JSON.stringify(redact(name, value))}`;
        return `${name}: ${issue.message} (${shown})`;
      });
  if (cleaned.NODE_ENV === 'production') {
    for (const [name, schema] of Object.entries(shape)) {
      const problem = productionRules.get(schema as z.ZodType)?.(cleaned[name]);
      if (problem) problems.push(`${name}: ${problem}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

function redact(name: string, value: string): string {
  if (/SECRET|PASSWORD|TOKEN|KEY/.test(name)) return '***';
  // URLs may carry credentials; keep the shape, hide the password.
  return value.replace(/\/\/([^:/@]+):[^@]+@/, '//$1:***@');
}
