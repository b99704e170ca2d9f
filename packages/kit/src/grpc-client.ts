// gRPC clients: every call has a deadline; only idempotent calls are retried, and only on
// UNAVAILABLE (the request never reached a handler or the peer restarted).
import {
  credentials,
  Metadata,
  status as GrpcStatus,
  type CallOptions,
  type Client,
  type ClientUnaryCall,
  type ServiceError,
  type ChannelOptions,
} from '@grpc/grpc-js';
import { fromGrpcError } from './errors.js';

type ClientCtor<C> = new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options?: Partial<ChannelOptions>) => C;

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

export interface CallPolicy {
  deadlineMs?: number;
  /** Safe to send twice (reads, or writes carrying an idempotency key). */
  idempotent?: boolean;
}

export class RpcClient<C extends Client> {
  readonly raw: C;

  constructor(Ctor: ClientCtor<C>, readonly address: string, private readonly defaults: Required<CallPolicy> = { deadlineMs: 3000, idempotent: false }) {
    this.raw = new Ctor(address, credentials.createInsecure(), {
      'grpc.keepalive_time_ms': 30_000,
      'grpc.enable_retries': 0,
    });
  }

  async call<Req, Res>(method: (c: C) => UnaryMethod<Req, Res>, request: Req, policy: CallPolicy = {}): Promise<Res> {
    const deadlineMs = policy.deadlineMs ?? this.defaults.deadlineMs;
    const idempotent = policy.idempotent ?? this.defaults.idempotent;
    const deadline = Date.now() + deadlineMs;
    const fn = method(this.raw).bind(this.raw);
    for (let attempt = 0; ; attempt++) {
      try {
        return await new Promise<Res>((resolve, reject) => {
          fn(request, new Metadata(), { deadline }, (error, response) => (error ? reject(error) : resolve(response)));
        });
      } catch (error) {
        const e = error as ServiceError;
        const backoff = Math.min(50 * 2 ** attempt, 500);
        if (idempotent && e.code === GrpcStatus.UNAVAILABLE && Date.now() + backoff < deadline && attempt < 5) {
          await new Promise((r) => setTimeout(r, backoff));
          continue;
        }
        throw typeof e.code === 'number' ? fromGrpcError(e) : e;
      }
    }
  }

  /**
   * Opens the channel's connection now rather than on the first call, so a flash sale's first
   * tap does not pay for it. Best effort: a peer not up yet is simply connected to later.
   */
  warm(withinMs = 10_000): this {
    this.raw.waitForReady(Date.now() + withinMs, () => undefined);
    return this;
  }

  close(): void {
    this.raw.close();
  }
}
