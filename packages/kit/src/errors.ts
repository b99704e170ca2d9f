// Domain refusals as values with codes, and the one table mapping them to gRPC and HTTP status.
import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

export const errorTable = {
  INVALID_ARGUMENT: { grpc: GrpcStatus.INVALID_ARGUMENT, http: 400 },
  UNAUTHENTICATED: { grpc: GrpcStatus.UNAUTHENTICATED, http: 401 },
  FORBIDDEN: { grpc: GrpcStatus.PERMISSION_DENIED, http: 403 },
  NOT_YOUR_ORDER: { grpc: GrpcStatus.NOT_FOUND, http: 404 },
  NOT_FOUND: { grpc: GrpcStatus.NOT_FOUND, http: 404 },
  CONFLICT: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 409 },
  IDEMPOTENCY_KEY_REUSED: { grpc: GrpcStatus.ALREADY_EXISTS, http: 409 },
  SOLD_OUT: { grpc: GrpcStatus.RESOURCE_EXHAUSTED, http: 409 },
  LIMIT_REACHED: { grpc: GrpcStatus.RESOURCE_EXHAUSTED, http: 409 },
  NOT_STARTED: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 409 },
  ENDED: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 409 },
  HOLD_EXPIRED: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 409 },
  NO_PICKUP_POINT: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 409 },
  PICKUP_POINT_NOT_SERVED: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 409 },
  INVALID_STATE: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 409 },
  INSUFFICIENT_BALANCE: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 409 },
  INVALID_SIGNATURE: { grpc: GrpcStatus.UNAUTHENTICATED, http: 401 },
  RATE_LIMITED: { grpc: GrpcStatus.RESOURCE_EXHAUSTED, http: 429 },
  UNAVAILABLE: { grpc: GrpcStatus.UNAVAILABLE, http: 503 },
  DEADLINE_EXCEEDED: { grpc: GrpcStatus.DEADLINE_EXCEEDED, http: 504 },
  INTERNAL: { grpc: GrpcStatus.INTERNAL, http: 500 },
} as const;

export type ErrorCode = keyof typeof errorTable;

const CODE_HEADER = 'x-error-code';
const DETAILS_HEADER = 'x-error-details';

/** An expected refusal: safe to show to the caller, never logged as an error. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

export function httpStatusOf(code: ErrorCode): number {
  return errorTable[code].http;
}

/**
 * A backing service briefly out of reach (a Postgres pool with no free connection in time, a
 * dropped Redis or Postgres connection): the caller should try again, so it is UNAVAILABLE, not
 * an internal error.
 */
export function asTransient(error: unknown): DomainError | undefined {
  const e = error as { message?: unknown; code?: unknown; name?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : '';
  const transient =
    message === 'timeout exceeded when trying to connect' ||
    message === 'Connection terminated unexpectedly' ||
    message === 'Connection is closed.' ||
    e?.name === 'MaxRetriesPerRequestError' ||
    e?.code === 'ECONNREFUSED' ||
    e?.code === 'ECONNRESET' ||
    // Postgres gave up on one of two conflicting transactions; the same request succeeds again.
    e?.code === '40P01' ||
    e?.code === '40001';
  return transient ? new DomainError('UNAVAILABLE', 'a backing service is briefly unavailable, try again') : undefined;
}

/**
 * JSON with every non-ASCII character escaped (\uXXXX): a metadata value must be ASCII, and
 * grpc-js fails the whole reply (the caller waits for its deadline) on one "–" or "区" in a detail.
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Turns any thrown value into what a gRPC handler sends back; internals never leak. */
export function toGrpcError(thrown: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  const error = asTransient(thrown) ?? thrown;
  if (isDomainError(error)) {
    metadata.set(CODE_HEADER, error.code);
    if (error.details) metadata.set(DETAILS_HEADER, asciiJson(error.details));
    return { code: errorTable[error.code].grpc, details: error.message, metadata };
  }
  metadata.set(CODE_HEADER, 'INTERNAL');
  return { code: GrpcStatus.INTERNAL, details: 'internal error', metadata };
}

const grpcToCode = new Map<number, ErrorCode>([
  [GrpcStatus.INVALID_ARGUMENT, 'INVALID_ARGUMENT'],
  [GrpcStatus.NOT_FOUND, 'NOT_FOUND'],
  [GrpcStatus.PERMISSION_DENIED, 'FORBIDDEN'],
  [GrpcStatus.UNAUTHENTICATED, 'UNAUTHENTICATED'],
  [GrpcStatus.UNAVAILABLE, 'UNAVAILABLE'],
  [GrpcStatus.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED'],
  [GrpcStatus.FAILED_PRECONDITION, 'CONFLICT'],
  [GrpcStatus.ALREADY_EXISTS, 'CONFLICT'],
  [GrpcStatus.RESOURCE_EXHAUSTED, 'RATE_LIMITED'],
]);

/** Rebuilds the DomainError a peer service raised from the status and metadata of its reply. */
export function fromGrpcError(error: ServiceError): DomainError {
  const raw = error.metadata?.get(CODE_HEADER)[0];
  const code = typeof raw === 'string' && raw in errorTable ? (raw as ErrorCode) : (grpcToCode.get(error.code) ?? 'INTERNAL');
  const detailsRaw = error.metadata?.get(DETAILS_HEADER)[0];
  const details = typeof detailsRaw === 'string' ? (JSON.parse(detailsRaw) as Record<string, unknown>) : undefined;
  const message = code === 'INTERNAL' ? 'internal error' : error.details || code;
  return new DomainError(code, message, details);
}

/** One failed item of a batched call, carried in the reply as the unary call would have raised it. */
export interface ItemError {
  code: string;
  message: string;
  detailsJson: string;
}

export function toItemError(thrown: unknown): ItemError {
  const error = asTransient(thrown) ?? thrown;
  if (isDomainError(error)) return { code: error.code, message: error.message, detailsJson: error.details ? JSON.stringify(error.details) : '' };
  return { code: 'INTERNAL', message: 'internal error', detailsJson: '' };
}

export function fromItemError(error: ItemError): DomainError {
  const code = error.code in errorTable ? (error.code as ErrorCode) : 'INTERNAL';
  const details = error.detailsJson ? (JSON.parse(error.detailsJson) as Record<string, unknown>) : undefined;
  return new DomainError(code, code === 'INTERNAL' ? 'internal error' : error.message, details);
}
