// gRPC server set-up: the standard health service, async handlers whose thrown errors map to
// status codes in one place, and a shutdown that lets in-flight calls finish.
import {
  Server,
  ServerCredentials,
  type Metadata,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type handleUnaryCall,
  type sendUnaryData,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { asTransient, isDomainError, toGrpcError } from './errors.js';
import type { Logger } from './logger.js';

/** What a service implements: each RPC an async function of the request. */
export type AsyncUnaryService<S> = {
  // Generated server interfaces carry a string index signature; only the named RPCs matter.
  [K in keyof S as string extends K ? never : K]: S[K] extends handleUnaryCall<infer Req, infer Res>
    ? (request: Req, metadata: Metadata, call: ServerUnaryCall<Req, Res>) => Promise<Res>
    : never;
};

export function unaryService<S extends UntypedServiceImplementation>(impl: AsyncUnaryService<S>, logger: Logger): S {
  const wrapped: Record<string, handleUnaryCall<unknown, unknown>> = {};
  for (const [name, fn] of Object.entries(impl) as [string, (r: unknown, m: Metadata, c: unknown) => Promise<unknown>][]) {
    wrapped[name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      fn(call.request, call.metadata, call).then(
        (response) => callback(null, response),
        (error: unknown) => {
          if (asTransient(error)) logger.warn({ err: (error as Error).message, rpc: name }, 'rpc failed: backing service unavailable');
          else if (!isDomainError(error)) logger.error({ err: error, rpc: name }, 'rpc failed');
          callback(toGrpcError(error) as never, null);
        },
      );
    };
  }
  return wrapped as unknown as S;
}

export interface GrpcService {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export interface RunningGrpcServer {
  port: number;
  health: HealthImplementation;
  setServing(serving: boolean): void;
  shutdown(timeoutMs: number): Promise<void>;
}

export async function startGrpcServer(options: {
  host: string;
  port: number;
  services: GrpcService[];
  logger: Logger;
}): Promise<RunningGrpcServer> {
  const server = new Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  health.addToServer(server);
  for (const service of options.services) server.addService(service.definition, service.implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  const setServing = (serving: boolean) => {
    const status = serving ? 'SERVING' : 'NOT_SERVING';
    health.setStatus('', status);
    for (const service of options.services) {
      const first = Object.values(service.definition)[0];
      const serviceName = first?.path.split('/')[1];
      if (serviceName) health.setStatus(serviceName, status);
    }
  };
  options.logger.info({ port }, 'gRPC listening');
  return {
    port,
    health,
    setServing,
    shutdown: (timeoutMs) =>
      new Promise<void>((resolve) => {
        setServing(false);
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, timeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
