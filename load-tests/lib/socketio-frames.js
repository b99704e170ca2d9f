// socket.io v4 over engine.io v4, spoken by hand for k6's WebSocket (k6 has no socket.io client).
// Text frames only: engine.io packet type digit, then for "4" (message) a socket.io packet:
// type digit, optional "/nsp,", optional ack id, then a JSON array [event, ...args].
// Plain functions so a node test can check them against a real socket.io server.

export const ENGINE = { OPEN: '0', CLOSE: '1', PING: '2', PONG: '3', MESSAGE: '4' };
export const SOCKET = { CONNECT: '0', DISCONNECT: '1', EVENT: '2', ACK: '3', CONNECT_ERROR: '4' };

/** The websocket URL of a socket.io server at `base` (http[s]://host:port). */
export function socketUrl(base, path = '/socket.io/') {
  return `${base.replace(/^http/, 'ws')}${path}?EIO=4&transport=websocket`;
}

/** socket.io CONNECT to the main namespace, carrying the handshake `auth` object. */
export function connectFrame(auth) {
  return `${ENGINE.MESSAGE}${SOCKET.CONNECT}${auth ? JSON.stringify(auth) : ''}`;
}

/** An EVENT, with an ack id when the server should answer. */
export function eventFrame(event, payload, ackId) {
  const args = payload === undefined ? [event] : [event, payload];
  return `${ENGINE.MESSAGE}${SOCKET.EVENT}${ackId === undefined ? '' : ackId}${JSON.stringify(args)}`;
}

export const pongFrame = () => ENGINE.PONG;

/**
 * Parses one text frame into
 *   {kind:'open', sid, pingInterval} | {kind:'ping'} | {kind:'close'} |
 *   {kind:'connect', sid} | {kind:'connect_error', error} | {kind:'disconnect'} |
 *   {kind:'event', event, args, ackId} | {kind:'ack', ackId, args} | {kind:'unknown', raw}
 */
export function parseFrame(raw) {
  const engineType = raw[0];
  if (engineType === ENGINE.OPEN) {
    const o = JSON.parse(raw.slice(1));
    return { kind: 'open', sid: o.sid, pingInterval: o.pingInterval };
  }
  if (engineType === ENGINE.PING) return { kind: 'ping' };
  if (engineType === ENGINE.CLOSE) return { kind: 'close' };
  if (engineType !== ENGINE.MESSAGE) return { kind: 'unknown', raw };
  const type = raw[1];
  let rest = raw.slice(2);
  if (rest.startsWith('/')) rest = rest.slice(rest.indexOf(',') + 1);
  const digits = /^\d*/.exec(rest)[0];
  const ackId = digits === '' ? undefined : Number(digits);
  const body = rest.slice(digits.length);
  const data = body === '' ? undefined : JSON.parse(body);
  if (type === SOCKET.CONNECT) return { kind: 'connect', sid: data && data.sid };
  if (type === SOCKET.CONNECT_ERROR) return { kind: 'connect_error', error: data };
  if (type === SOCKET.DISCONNECT) return { kind: 'disconnect' };
  if (type === SOCKET.EVENT) return { kind: 'event', event: data[0], args: data.slice(1), ackId };
  if (type === SOCKET.ACK) return { kind: 'ack', ackId, args: data };
  return { kind: 'unknown', raw };
}
