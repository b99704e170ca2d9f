// GroupBuyService gRPC handlers (served by the order process beside OrderService).
import { unaryService, type Logger } from '@lc/kit';
import { placeOrderOutcomeOf, type GroupBuy, type GroupBuyServiceServer } from '@lc/contracts';
import type { GroupBuyRow } from '../adapters/group-buy-store.js';
import type { GroupBuys } from '../group-buys.js';
import { actorOf, toOrder } from './order-rpc.js';

export function groupBuyRpc(groupBuys: GroupBuys, logger: Logger): GroupBuyServiceServer {
  return unaryService<GroupBuyServiceServer>(
    {
      async openGroupBuy(req) {
        const { actor, ...terms } = req;
        return { groupBuy: toGroupBuy(await groupBuys.open(actorOf(actor), terms)) };
      },
      async listGroupBuys(req) {
        return { groupBuys: (await groupBuys.list(actorOf(req.actor), req.leaderId, req.limit)).map(toGroupBuy) };
      },
      async getGroupBuy(req) {
        return { groupBuy: toGroupBuy(await groupBuys.get(req.id)) };
      },
      async placeGroupBuyOrder(req) {
        const result = await groupBuys.placeOrder(req);
        if (result.outcome !== 'PLACED') return { outcome: placeOrderOutcomeOf(result.outcome), replayed: false };
        return { outcome: placeOrderOutcomeOf('PLACED'), order: toOrder(result.order), replayed: result.replayed };
      },
    },
    logger,
  );
}

function toGroupBuy(g: GroupBuyRow): GroupBuy {
  return {
    id: g.id,
    leaderId: g.leaderId,
    title: g.title,
    skuId: g.skuId,
    warehouseId: g.warehouseId,
    flashSaleId: g.flashSaleId,
    priceFen: g.priceFen,
    stockCap: g.stockCap,
    minQty: g.minQty,
    perBuyerLimit: g.perBuyerLimit,
    startsAtMs: g.startsAtMs,
    cutoffAtMs: g.cutoffAtMs,
    status: g.status,
    decidedAtMs: g.decidedAtMs,
    joinedQty: g.joinedQty,
    pendingQty: g.pendingQty,
    buyers: g.buyers,
    createdAtMs: g.createdAtMs,
  };
}
