import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

// A process set up as every service is (`--import @lc/kit/telemetry-register`) with no OTLP
// endpoint, as `npm start` runs them: it serves a request that came with a caller's trace, then
// starts a trace of its own, logging inside each and passing each on as a carrier would.
const script = `
import { context } from '@opentelemetry/api';
import { captureTraceContext, createLogger, inSpan, restoreTraceContext, SpanKind } from '@lc/kit';
const logger = createLogger('probe', 'info');
const caller = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' };
await inSpan('served', SpanKind.SERVER, restoreTraceContext(caller), {}, async () => {
  logger.info({ passedOn: captureTraceContext() }, 'served');
});
await inSpan('own', SpanKind.INTERNAL, context.active(), {}, async () => {
  logger.info({ passedOn: captureTraceContext() }, 'own');
});
`;

describe('telemetry without an OTLP endpoint', () => {
  it('gives every span real ids, so logs and outgoing carriers name the trace', async () => {
    const env = { ...process.env };
    delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const { stdout } = await run(process.execPath, ['--import', '@lc/kit/telemetry-register', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..'),
      env,
    });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; trace_id?: string; span_id?: string; passedOn: { traceparent?: string } });
    const served = lines.find((l) => l.msg === 'served')!;
    const own = lines.find((l) => l.msg === 'own')!;

    // The caller's trace continues here and onwards.
    assert.equal(served.trace_id, '0af7651916cd43dd8448eb211c80319c');
    assert.match(served.span_id ?? '', /^[0-9a-f]{16}$/);
    assert.notEqual(served.span_id, 'b7ad6b7169203331');
    assert.equal(served.passedOn.traceparent, `00-${served.trace_id}-${served.span_id}-00`);

    // A trace started here has an id of its own, not zeros.
    assert.match(own.trace_id ?? '', /^[0-9a-f]{32}$/);
    assert.notEqual(own.trace_id, '0'.repeat(32));
    assert.notEqual(own.trace_id, served.trace_id);
    assert.equal(own.passedOn.traceparent, `00-${own.trace_id}-${own.span_id}-00`);
  });

  it('continues a caller\'s trace through the kit\'s HTTP server, and starts one for a request without', async () => {
    const server = `
import { createHttpServer, createLogger, captureTraceContext } from '@lc/kit';
const app = createHttpServer({ logger: createLogger('probe', 'warn'), readiness: [] });
app.post('/api/v1/orders', async () => captureTraceContext());
await app.listen({ port: 0, host: '127.0.0.1' });
const url = 'http://127.0.0.1:' + app.server.address().port + '/api/v1/orders';
const post = (headers) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' }).then((r) => r.json());
console.log(JSON.stringify({ traced: await post({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }), own: await post({}) }));
await app.close();
`;
    const env = { ...process.env };
    delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const { stdout } = await run(process.execPath, ['--import', '@lc/kit/telemetry-register', '--input-type=module', '-e', server], { cwd: join(import.meta.dirname, '..'), env });
    const { traced, own } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { traced: { traceparent?: string }; own: { traceparent?: string } };
    // The handler runs in a server span of the caller's trace: what it calls is passed the trace on.
    const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(traced.traceparent ?? '') ?? [];
    assert.equal(traceId, '0af7651916cd43dd8448eb211c80319c', JSON.stringify(traced));
    assert.notEqual(spanId, 'b7ad6b7169203331');
    assert.match(own.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    assert.ok(!own.traceparent!.includes('0af7651916cd43dd8448eb211c80319c'));
  });
});
