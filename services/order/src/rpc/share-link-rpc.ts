// ShareLinkService gRPC handlers: leaders' signed links, and the binding they make as a buyer sees it.
import { DomainError, unaryService, type Logger } from '@lc/kit';
import type { ShareLinkServiceServer } from '@lc/contracts';
import type { OrderStore } from '../adapters/order-store.js';
import type { ShareTokens } from '../adapters/share-tokens.js';

export function shareLinkRpc(tokens: ShareTokens, store: OrderStore, logger: Logger): ShareLinkServiceServer {
  return unaryService<ShareLinkServiceServer>({
    async createShareLink(req) {
      return tokens.issue({ leaderId: req.leaderId, liveSessionId: req.liveSessionId, skuId: req.skuId, ttlSeconds: req.ttlSeconds });
    },
    async getBuyerLeader(req) {
      if (!req.buyerId) throw new DomainError('INVALID_ARGUMENT', 'buyerId: required');
      return (await store.binding(req.buyerId)) ?? { leaderId: '', boundAtMs: 0, firstOrderId: '' };
    },
  }, logger);
}
