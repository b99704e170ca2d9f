// The room's socket events: joining a session, chat and its moderation, pins, flash sales and
// orders. Each event is one named handler, registered from the table at the end (so a trace or a
// search names it); who may do what is checked here, and payloads are validated by `onEvent`
// against the shared field rules of @lc/contracts before a handler runs.
import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import { isDomainError, type Logger, type RedisTokenBuckets, type RpcClient } from '@lc/kit';
import {
  BOUNDS,
  PlaceOrderOutcome,
  fen,
  flashSaleJson,
  holdSeconds,
  id,
  idempotencyKey,
  orderJson,
  placeOrderRefusal,
  poolQuantity,
  qty,
  shareLinkOutcome,
  uuid,
  type FlashSaleView,
  type InventoryServiceClient,
  type JoinResult,
  type OrderServiceClient,
  type PlaceOrder,
  type PlaceOrderRequest,
  type PlacedKeys,
  type SoldOutBoard,
} from '@lc/contracts';
import { checkChatText, type ChatRules } from '../domain/chat-rules.js';
import { sessionJson, type LiveSession, type Pin } from '../domain/live-session.js';
import type { RoomState, ChatMessage } from '../adapters/room-state.js';
import type { SessionStore } from '../adapters/session-store.js';
import { event, registerEvents, RoomRefusal, zodMessage } from './ack.js';
import { rooms } from './room-names.js';
import { socketData, type SocketData } from './socket-auth.js';
import type { ViewerCounter } from './viewer-counter.js';

export interface RoomDeps {
  io: Server;
  logger: Logger;
  sessions: SessionStore;
  state: RoomState;
  viewers: ViewerCounter;
  inventory: RpcClient<InventoryServiceClient>;
  orders: RpcClient<OrderServiceClient>;
  placeOrder: PlaceOrder;
  /** Pools this pod knows are sold out (inventory's stock events), answered from memory. */
  soldOut: SoldOutBoard;
  /** (buyer, key) pairs that won an order, so a sold-out pool still honours a winner's replay. */
  placed: PlacedKeys;
  /** The per-buyer order rate, the same Redis budget as the gateway's REST orders. */
  orderRate: RedisTokenBuckets;
  chat: ChatRules & { rateLimit: number; rateWindowMs: number };
  /** Called when a socket leaves its session (closing its media peer). */
  onLeave: (socket: Socket, sessionId: string) => Promise<void>;
}

const empty = z.object({}).loose();

const joinPayload = z.object({ sessionId: id('sessionId') });
const chatPayload = z.object({ text: z.string({ error: 'text must be a string' }).max(BOUNDS.text.chat, 'text: too long') });
const deletePayload = z.object({ messageId: id('messageId') });
const mutePayload = z.object({
  userId: id('userId'),
  minutes: z.number({ error: 'minutes must be a number' }).int().min(1).max(1440).default(10),
  reason: z.string().trim().max(BOUNDS.text.muteReason).default(''),
});
const unmutePayload = z.object({ userId: id('userId') });
const pinPayload = z.object({ productId: uuid('productId'), skuId: uuid('skuId').optional() });
const existingSale = z.object({ flashSaleId: uuid('flashSaleId') });
const newSale = z.object({
  skuId: uuid('skuId'),
  warehouseId: id('warehouseId'),
  salePriceFen: fen,
  quantity: poolQuantity,
  perBuyerLimit: z.number().int().min(BOUNDS.perBuyerLimit.min).max(BOUNDS.perBuyerLimit.max).default(1),
  holdSeconds: holdSeconds.default(900),
  durationSeconds: holdSeconds.default(1800),
  countdownSeconds: z.number().int().min(0).max(3600).default(10),
});
const placePayload = z.object({
  flashSaleId: uuid('flashSaleId'),
  qty,
  idempotencyKey: idempotencyKey('idempotencyKey'),
  // The leader's signed share link the buyer came through; the order service checks it.
  shareToken: z.string().min(1).max(2000).optional(),
});
const payPayload = z.object({ orderId: uuid('orderId') });

export function registerRoomHandlers(socket: Socket, deps: RoomDeps): void {
  const { io, logger, sessions, state, inventory, orders, placeOrder } = deps;
  const data = socketData(socket);

  async function joinedSession(): Promise<LiveSession> {
    if (data.sessionId === undefined) throw new RoomRefusal('NOT_JOINED', 'join a session first (session:join)');
    const session = await sessions.get(data.sessionId);
    if (session === undefined) throw new RoomRefusal('NOT_FOUND', 'the session no longer exists');
    return session;
  }

  async function hostedSession(): Promise<LiveSession> {
    const session = await joinedSession();
    if (!data.isHost) throw new RoomRefusal('FORBIDDEN', 'only the session’s leader may do this');
    return session;
  }

  async function activeSaleView(flashSaleId: string | null): Promise<FlashSaleView | null> {
    if (flashSaleId === null) return null;
    return flashSaleJson(await inventory.call((c) => c.getFlashSale, { id: flashSaleId }, { idempotent: true, deadlineMs: 3000 }));
  }

  async function leaveSession(): Promise<void> {
    const sessionId = data.sessionId;
    if (sessionId === undefined) return;
    for (const room of socket.rooms) if (room.startsWith('sale:') || room === rooms.session(sessionId)) void socket.leave(room);
    data.sessionId = undefined;
    data.isHost = undefined;
    deps.viewers.changed(sessionId);
    await deps.onLeave(socket, sessionId);
  }

  async function joinSessionHandler({ sessionId }: z.infer<typeof joinPayload>) {
    const session = await sessions.get(sessionId);
    if (session === undefined) throw new RoomRefusal('NOT_FOUND', `no live session ${sessionId}`);
    if (data.sessionId !== undefined && data.sessionId !== sessionId) await leaveSession();
    const isHost = data.user.role === 'leader' && data.user.id === session.leaderId;
    const [sale, chat, muted] = await Promise.all([activeSaleView(session.activeFlashSaleId), state.recentChat(sessionId), state.muteOf(sessionId, data.user.id)]);
    data.sessionId = sessionId;
    data.isHost = isHost;
    await socket.join(rooms.session(sessionId));
    if (sale !== null) await socket.join(rooms.sale(sale.id));
    deps.viewers.changed(sessionId);
    const viewers = Math.max(await state.viewers(sessionId, Date.now()), deps.viewers.localCount(sessionId));
    const joined: JoinResult = { session: sessionJson(session), isHost, viewers, sale, serverNowMs: Date.now(), chat, muted };
    return joined;
  }

  async function leaveSessionHandler() {
    await leaveSession();
    return {};
  }


  async function sendChatHandler({ text: raw }: z.infer<typeof chatPayload>) {
    const session = await joinedSession();
    if (session.status === 'ENDED') throw new RoomRefusal('INVALID_STATE', 'the session has ended');
    const checked = checkChatText(deps.chat, raw);
    if (!checked.ok) throw new RoomRefusal(checked.code, checked.message);
    const now = Date.now();
    if (!data.isHost) {
      const mute = await state.muteOf(session.id, data.user.id);
      if (mute !== null) {
        const why = mute.reason ? `: ${mute.reason}` : '';
        throw new RoomRefusal('MUTED', `the host muted you until ${new Date(mute.untilMs).toISOString()}${why}`, { ...mute });
      }
      const waitMs = await state.takeChatSlot(data.user.id, deps.chat.rateLimit, deps.chat.rateWindowMs, now);
      if (waitMs > 0) throw new RoomRefusal('RATE_LIMITED', `too many messages; wait ${Math.ceil(waitMs / 1000)} s`, { retryAfterMs: waitMs });
    }
    const message: ChatMessage = { id: randomUUID(), sessionId: session.id, userId: data.user.id, name: data.user.name, role: data.user.role, text: checked.text, atMs: now };
    await state.appendChat(message);
    io.to(rooms.session(session.id)).emit('chat:message', message);
    return { message };
  }

  async function deleteChatHandler({ messageId }: z.infer<typeof deletePayload>) {
    const session = await hostedSession();
    await state.deleteChat(session.id, messageId);
    io.to(rooms.session(session.id)).emit('chat:deleted', { messageId });
    return {};
  }

  async function muteHandler({ userId, minutes, reason }: z.infer<typeof mutePayload>) {
    const session = await hostedSession();
    if (userId === data.user.id) throw new RoomRefusal('INVALID_ARGUMENT', 'userId: the host cannot mute themselves');
    const now = Date.now();
    const mute = { untilMs: now + minutes * 60_000, reason };
    await state.mute(session.id, userId, mute, now);
    io.to(rooms.session(session.id)).emit('chat:muted', { userId, ...mute });
    return { userId, ...mute };
  }

  async function unmuteHandler({ userId }: z.infer<typeof unmutePayload>) {
    const session = await hostedSession();
    await state.unmute(session.id, userId);
    io.to(rooms.session(session.id)).emit('chat:unmuted', { userId });
    return {};
  }

  async function pinProductHandler({ productId, skuId }: z.infer<typeof pinPayload>) {
    const session = await hostedSession();
    const { product } = await inventory.call((c) => c.getProduct, { id: productId }, { idempotent: true, deadlineMs: 3000 });
    if (product === undefined) throw new RoomRefusal('NOT_FOUND', `no product ${productId}`);
    if (product.ownerLeaderId !== session.leaderId) throw new RoomRefusal('FORBIDDEN', 'productId: a leader pins only their own products');
    const sku = skuId === undefined ? product.skus[0] : product.skus.find((s) => s.id === skuId);
    if (skuId !== undefined && sku === undefined) throw new RoomRefusal('INVALID_ARGUMENT', 'skuId: not a SKU of this product');
    const pin: Pin = {
      productId: product.id,
      skuId: sku?.id ?? '',
      name: product.name,
      description: product.description,
      imageUrls: product.imageUrls,
      sku: sku ? { id: sku.id, name: sku.name, listPriceFen: sku.listPriceFen } : null,
      pinnedAtMs: Date.now(),
    };
    await sessions.setPin(session.id, pin);
    io.to(rooms.session(session.id)).emit('product:pinned', { pin });
    return { pin };
  }

  async function unpinProductHandler() {
    const session = await hostedSession();
    await sessions.setPin(session.id, null);
    io.to(rooms.session(session.id)).emit('product:unpinned', {});
    return {};
  }

  async function startSaleHandler(payload: z.infer<typeof empty>) {
    const session = await hostedSession();
    if (session.status === 'ENDED') throw new RoomRefusal('INVALID_STATE', 'the session has ended');
    const flashSaleId = 'flashSaleId' in payload ? (await parseOrRefuse(existingSale, payload)).flashSaleId : await createSale(session, await parseOrRefuse(newSale, payload));
    const found = await inventory.call((c) => c.getFlashSale, { id: flashSaleId }, { idempotent: true, deadlineMs: 3000 });
    if (found.flashSale?.leaderId !== data.user.id) throw new RoomRefusal('FORBIDDEN', 'a leader starts only their own flash sales');
    const now = Date.now();
    const sale = flashSaleJson(found);
    if (sale.endsAtMs <= now) throw new RoomRefusal('ENDED', 'this flash sale has already ended');
    if (session.activeFlashSaleId !== null && session.activeFlashSaleId !== flashSaleId) {
      io.in(rooms.session(session.id)).socketsLeave(rooms.sale(session.activeFlashSaleId));
      io.to(rooms.session(session.id)).emit('sale:ended', { flashSaleId: session.activeFlashSaleId });
    }
    await sessions.setActiveSale(session.id, flashSaleId);
    // Every viewer, on every pod, joins the sale's room so the stock feed reaches them.
    io.in(rooms.session(session.id)).socketsJoin(rooms.sale(flashSaleId));
    io.to(rooms.session(session.id)).emit('sale:started', { sale, serverNowMs: Date.now() });
    return { sale, serverNowMs: Date.now() };
  }

  async function createSale(session: LiveSession, input: z.infer<typeof newSale>): Promise<string> {
    const startsAtMs = Date.now() + input.countdownSeconds * 1000;
    const { flashSale } = await inventory.call((c) => c.createFlashSale, {
      flashSale: {
        id: '',
        skuId: input.skuId,
        warehouseId: input.warehouseId,
        leaderId: data.user.id,
        liveSessionId: session.id,
        salePriceFen: input.salePriceFen,
        quantity: input.quantity,
        perBuyerLimit: input.perBuyerLimit,
        startsAtMs,
        endsAtMs: startsAtMs + input.durationSeconds * 1000,
        holdSeconds: input.holdSeconds,
      },
    }, { deadlineMs: 5000 });
    return flashSale!.id;
  }

  async function endSaleHandler() {
    const session = await hostedSession();
    const flashSaleId = session.activeFlashSaleId;
    if (flashSaleId === null) throw new RoomRefusal('INVALID_STATE', 'no flash sale is running in this session');
    // The pool itself closes, so no path (REST included) can still buy from it.
    await inventory
      .call((c) => c.endFlashSale, { id: flashSaleId, leaderId: data.user.id }, { deadlineMs: 5000 })
      .catch((error: unknown) => {
        if (!(isDomainError(error) && error.code === 'INVALID_STATE')) throw error;
      });
    await sessions.setActiveSale(session.id, null);
    io.to(rooms.session(session.id)).emit('sale:ended', { flashSaleId });
    io.in(rooms.session(session.id)).socketsLeave(rooms.sale(flashSaleId));
    return { flashSaleId };
  }

  async function placeOrderHandler({ flashSaleId, qty, idempotencyKey, shareToken }: z.infer<typeof placePayload>) {
    if (data.user.role !== 'buyer') throw new RoomRefusal('FORBIDDEN', 'only buyers place orders');
    if (data.sessionId === undefined) throw new RoomRefusal('NOT_JOINED', 'join a session first (session:join)');
    // As the gateway's REST door does: a sold-out pool answers a loser from memory, one Redis read
    // and the session's row, without spending their order budget or reaching the order service;
    // only a key that placed an order goes further.
    const soldOut = deps.soldOut.isSoldOut(flashSaleId);
    if (soldOut && !(await deps.placed.has(data.user.id, idempotencyKey))) {
      const session = await joinedSession();
      if (session.activeFlashSaleId !== flashSaleId) throw new RoomRefusal('INVALID_STATE', 'this flash sale is not running in this session');
      throw placeOrderRefusal(PlaceOrderOutcome.PLACE_ORDER_OUTCOME_SOLD_OUT);
    }
    const rate = await deps.orderRate.take(data.user.id);
    if (!rate.taken) throw new RoomRefusal('RATE_LIMITED', 'too many orders at once, slow down', { retryAfterMs: rate.retryAfterMs });
    const session = await joinedSession();
    const placement: PlaceOrderRequest = { buyerId: data.user.id, idempotencyKey, flashSaleId, qty, liveSessionId: session.id, leaderId: session.leaderId, skuId: '', pickupPointId: '', shareToken: shareToken ?? '' };
    if (soldOut || session.activeFlashSaleId !== flashSaleId) {
      // Sold out, or the sale is over here: a buyer retrying the order they won still gets it back,
      // by one read in the order service that never reaches inventory's hot path.
      const { order } = await orders.call((c) => c.findPlacedOrder, { request: placement }, { idempotent: true, deadlineMs: 3000 });
      if (order !== undefined) return { order: orderJson(order), replayed: true };
      if (session.activeFlashSaleId !== flashSaleId) throw new RoomRefusal('INVALID_STATE', 'this flash sale is not running in this session');
      // Sold out and not found (rare): the placement below (inventory knows the key) answers.
    }
    const result = await placeOrder(placement);
    if (result.outcome !== PlaceOrderOutcome.PLACE_ORDER_OUTCOME_PLACED || result.order === undefined) throw placeOrderRefusal(result.outcome);
    const shareLink = shareLinkOutcome(result.shareLink);
    return { order: orderJson(result.order), replayed: result.replayed, ...(shareLink ? { shareLink } : {}) };
  }

  async function payOrderHandler({ orderId }: z.infer<typeof payPayload>) {
    if (data.user.role !== 'buyer') throw new RoomRefusal('FORBIDDEN', 'only buyers pay orders');
    const { order, paymentId } = await orders.call((c) => c.payOrder, { orderId, buyerId: data.user.id }, { deadlineMs: 10_000 });
    return { order: orderJson(order!), paymentId };
  }

  const events = [
    event('session:join', joinPayload, joinSessionHandler),
    event('session:leave', empty, leaveSessionHandler),
    event('chat:send', chatPayload, sendChatHandler),
    event('chat:delete', deletePayload, deleteChatHandler),
    event('chat:mute', mutePayload, muteHandler),
    event('chat:unmute', unmutePayload, unmuteHandler),
    event('product:pin', pinPayload, pinProductHandler),
    event('product:unpin', empty, unpinProductHandler),
    event('sale:start', empty, startSaleHandler),
    event('sale:end', empty, endSaleHandler),
    event('order:place', placePayload, placeOrderHandler),
    event('order:pay', payPayload, payOrderHandler),
  ];
  registerEvents(socket, logger, events);
  socket.on('disconnect', function leaveOnDisconnect() {
    leaveSession().catch((err: unknown) => logger.warn({ err }, 'leaving the session on disconnect failed'));
  });
}

async function parseOrRefuse<S extends z.ZodType>(schema: S, value: unknown): Promise<z.infer<S>> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RoomRefusal('INVALID_ARGUMENT', zodMessage(parsed.error));
  return parsed.data;
}

export type { SocketData };
