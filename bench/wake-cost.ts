// `npm run bench:wake`: what this machine charges a Node process for waking up. A pinger sends a
// UDP datagram every `period` ms (or, with period 0, as soon as the last one came back) to an
// echo process; the echo's CPU per message is the price of one wake-up after that long asleep
// (plus, with `touch`, of allocating 2,000 small objects per message, as a request handler does).
// Every hop of a multi-process path pays it once per message or batch it wakes for, which is why
// the bench's CPU per attempt falls as the offered rate (and so the batch size) rises.
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cpuSeconds } from './process-cpu.js';

async function echo(touch: number) {
  const socket = createSocket('udp4');
  const kept: unknown[] = [];
  socket.on('message', (msg, from) => {
    for (let i = 0; i < touch; i++) kept[i % 5000] = { i, list: [i] };
    socket.send(msg, from.port, from.address);
  });
  socket.bind(0, '127.0.0.1', () => process.send!(socket.address().port));
}

async function measure(periodMs: number, touch: number): Promise<number> {
  const child = fork(import.meta.filename, ['echo', String(touch)], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(Number(p))));
  const socket = createSocket('udp4');
  let answers = 0;
  const ping = () => socket.send('x', port, '127.0.0.1');
  socket.on('message', () => {
    answers++;
    if (periodMs === 0 && timer) ping();
  });
  let timer: NodeJS.Timeout | undefined = periodMs ? setInterval(ping, periodMs) : setTimeout(ping, 0);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep(1000);
  const [before, n0] = [cpuSeconds({ echo: child.pid }, []).echo!, answers];
  await sleep(4000);
  const [after, n1] = [cpuSeconds({ echo: child.pid }, []).echo!, answers];
  clearInterval(timer);
  timer = undefined;
  socket.close();
  child.kill();
  return ((after - before) * 1000) / (n1 - n0);
}

if (process.argv[2] === 'echo') await echo(Number(process.argv[3]));
else {
  const rows = [];
  for (const periodMs of [0, 1, 5, 20])
    for (const touch of [0, 2000]) rows.push({ 'period ms': periodMs, 'allocates per message': touch ? `${touch} objects` : 'nothing', 'CPU ms per wake-up': (await measure(periodMs, touch)).toFixed(3) });
  console.log('wake-up cost of a Node process on this machine, by how long it slept before each message');
  console.table(rows);
}
