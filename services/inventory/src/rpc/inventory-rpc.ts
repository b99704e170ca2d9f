// InventoryService gRPC handlers: translate messages to the domain and back.
import { DomainError, serveBatch, unaryService, type Logger } from '@lc/kit';
import {
  reserveOutcomeOf,
  type FlashSale,
  type GetFlashSaleResponse,
  type InventoryServiceServer,
  type ReserveRequest,
  type ReserveResponse,
  type Product,
  type ProductProposal,
  type Sku,
} from '@lc/contracts';
import type { CatalogStore, FlashSaleRow, NewSkuRow, ProductRow, SkuRow } from '../adapters/catalog-store.js';
import type { ProposalRow, ProposalStore } from '../adapters/proposal-store.js';
import type { ReservationStore } from '../adapters/reservation-store.js';
import type { StockPublisher } from '../adapters/stock-publisher.js';
import { available, flashSaleProblems, poolLimitProblem, poolPriceProblem } from '../domain/flash-sale.js';
import type { Reservations } from '../reservations.js';

export function inventoryRpc(deps: { catalog: CatalogStore; proposals: ProposalStore; holds: ReservationStore; reservations: Reservations; stock: StockPublisher; logger: Logger }): InventoryServiceServer {
  const { catalog, holds, reservations } = deps;

  const describeSale = async (sale: FlashSaleRow): Promise<GetFlashSaleResponse> => {
    const counts = await holds.counts(sale.id);
    const sku = await catalog.sku(sale.skuId);
    return {
      flashSale: toFlashSale(sale),
      stats: { quantity: sale.quantity, held: counts.held, sold: counts.sold, available: available({ quantity: sale.quantity, ...counts }) },
      ...(sku ? { sku: toSku(sku) } : {}),
    };
  };

  const reserve = async (req: ReserveRequest): Promise<ReserveResponse> => {
    const answer = await reservations.reserve({ flashSaleId: req.flashSaleId, buyerId: req.buyerId, qty: req.qty, idempotencyKey: req.idempotencyKey });
    return {
      outcome: reserveOutcomeOf(answer.outcome),
      reservationId: answer.reservationId,
      expiresAtMs: answer.expiresAtMs,
      unitPriceFen: answer.sale.salePriceFen,
      skuId: answer.sale.skuId,
      warehouseId: answer.sale.warehouseId,
      leaderId: answer.sale.leaderId,
      liveSessionId: answer.sale.liveSessionId,
      replayed: answer.replayed ?? false,
    };
  };

  return unaryService<InventoryServiceServer>(
    {
      async createProduct(req) {
        if (!req.name.trim()) throw new DomainError('INVALID_ARGUMENT', 'name: required');
        if (!req.skus.length) throw new DomainError('INVALID_ARGUMENT', 'skus: at least one SKU');
        if (!req.ownerLeaderId) throw new DomainError('INVALID_ARGUMENT', 'ownerLeaderId: required');
        const product = await catalog.createProduct({
          name: req.name.trim(),
          description: req.description,
          imageUrls: req.imageUrls,
          createdBy: req.createdBy,
          ownerLeaderId: req.ownerLeaderId,
          category: req.category.trim() || 'general',
          warehouseId: req.warehouseId,
          skus: req.skus.map((s) => ({ name: s.name, listPriceFen: s.listPriceFen, perBuyerLimit: s.perBuyerLimit, initialStock: s.initialStock })),
        });
        return { product: toProduct(product) };
      },
      async getSkuCategories(req) {
        if (req.skuIds.length > 1000) throw new DomainError('INVALID_ARGUMENT', 'skuIds: at most 1000');
        return { categories: Object.fromEntries(await catalog.skuCategories(req.skuIds)) };
      },
      async getProduct(req) {
        const [product] = isUuidish(req.id) ? await catalog.products([req.id]) : [];
        if (!product) throw new DomainError('NOT_FOUND', `no product ${req.id}`);
        return { product: toProduct(product) };
      },
      async listProducts(req) {
        return { products: (await catalog.products(undefined, req.limit > 0 ? Math.min(req.limit, 500) : 100, req.buyerId)).map(toProduct) };
      },
      async createFlashSale(req) {
        const fs = req.flashSale;
        if (!fs) throw new DomainError('INVALID_ARGUMENT', 'flashSale: required');
        const terms = {
          skuId: fs.skuId,
          warehouseId: fs.warehouseId,
          leaderId: fs.leaderId,
          liveSessionId: fs.liveSessionId,
          salePriceFen: fs.salePriceFen,
          quantity: fs.quantity,
          perBuyerLimit: fs.perBuyerLimit,
          startsAtMs: fs.startsAtMs,
          endsAtMs: fs.endsAtMs,
          holdSeconds: fs.holdSeconds,
        };
        const problems = flashSaleProblems(terms);
        if (problems.length) throw new DomainError('INVALID_ARGUMENT', problems[0]!, { problems });
        const sku = await catalog.sku(terms.skuId);
        if (!sku) throw new DomainError('NOT_FOUND', `skuId: no SKU ${terms.skuId}`);
        // Checked here rather than only at the gateway: the live room creates pools too.
        if ((await catalog.ownerOfSku(sku.id)) !== terms.leaderId) throw new DomainError('FORBIDDEN', `skuId: not a SKU of leader ${terms.leaderId}`);
        const priceProblem = poolPriceProblem(terms.salePriceFen, sku.listPriceFen);
        if (priceProblem) throw new DomainError('INVALID_ARGUMENT', priceProblem, { problems: [priceProblem] });
        const limitProblem = poolLimitProblem(terms.perBuyerLimit, sku.perBuyerLimit);
        if (limitProblem) throw new DomainError('INVALID_ARGUMENT', limitProblem, { problems: [limitProblem] });
        const sale = await catalog.createFlashSale(terms);
        // Warm now, during the countdown, not on the first buyer's tap: the pool's terms are
        // cached here and its Redis state loaded, so the opening burst meets a ready pool.
        await reservations.ensureLoaded(await reservations.sale(sale.id));
        deps.stock.changed(sale.id, { quantity: sale.quantity, held: 0, sold: 0 });
        return { flashSale: toFlashSale(sale) };
      },
      async getFlashSale(req) {
        return describeSale(await reservations.sale(req.id));
      },
      async listFlashSales(req) {
        const sales = await catalog.flashSalesOfSession(req.liveSessionId);
        return { flashSales: await Promise.all(sales.map(describeSale)) };
      },
      async endFlashSale(req) {
        return { flashSale: toFlashSale(await reservations.end(req.id, req.leaderId)) };
      },
      async listStock(req) {
        if (!req.warehouseId) throw new DomainError('INVALID_ARGUMENT', 'warehouseId: required');
        return { levels: await catalog.stockLevels(req.warehouseId, req.ownerLeaderId) };
      },
      async proposeProduct(req) {
        const p = req.proposal;
        if (!p) throw new DomainError('INVALID_ARGUMENT', 'proposal: required');
        if (!p.leaderId) throw new DomainError('INVALID_ARGUMENT', 'leaderId: required');
        if (!p.warehouseId) throw new DomainError('INVALID_ARGUMENT', 'warehouseId: required');
        if (!p.name.trim()) throw new DomainError('INVALID_ARGUMENT', 'name: required');
        if (!p.skus.length) throw new DomainError('INVALID_ARGUMENT', 'skus: at least one SKU');
        const proposal = await deps.proposals.propose({
          leaderId: p.leaderId,
          warehouseId: p.warehouseId,
          name: p.name.trim(),
          description: p.description,
          imageUrls: p.imageUrls,
          skus: p.skus.map(newSku),
        });
        return { proposal: toProposal(proposal) };
      },
      async listProductProposals(req) {
        return { proposals: (await deps.proposals.list(req)).map(toProposal) };
      },
      async decideProductProposal(req) {
        const { proposal, product } = await deps.proposals.decide(req);
        return { proposal: toProposal(proposal), ...(product ? { product: toProduct(product) } : {}) };
      },
      reserve,
      async reserveBatch(req) {
        return { results: await serveBatch('Reserve', req.items, reserve, deps.logger) };
      },
      async reserveStock(req) {
        const answer = await reservations.reserveStock({ skuId: req.skuId, buyerId: req.buyerId, qty: req.qty, idempotencyKey: req.idempotencyKey });
        return {
          reservation: {
            outcome: reserveOutcomeOf(answer.outcome),
            reservationId: answer.hold?.id ?? '',
            expiresAtMs: answer.hold?.expiresAtMs ?? 0,
            unitPriceFen: answer.sku.listPriceFen,
            skuId: answer.sku.id,
            warehouseId: answer.hold?.warehouseId ?? '',
            leaderId: '',
            liveSessionId: '',
            replayed: answer.replayed ?? false,
          },
        };
      },
      async confirm(req) {
        return { confirmed: await reservations.confirm(req.reservationId) };
      },
      async release(req) {
        return reservations.release(req.reservationId, req.reason || 'released');
      },
    },
    deps.logger,
  );
}

const isUuidish = (v: string) => /^[0-9a-f-]{36}$/i.test(v);

const toSku = (s: SkuRow): Sku => ({
  id: s.id,
  productId: s.productId,
  name: s.name,
  listPriceFen: s.listPriceFen,
  perBuyerLimit: s.perBuyerLimit,
  available: s.available,
  boughtByBuyer: s.boughtByBuyer,
});

const toProduct = (p: ProductRow): Product => ({
  id: p.id,
  name: p.name,
  description: p.description,
  imageUrls: p.imageUrls,
  skus: p.skus.map(toSku),
  createdBy: p.createdBy,
  ownerLeaderId: p.ownerLeaderId,
  category: p.category,
});

const newSku = (s: NewSkuRow): NewSkuRow => ({ name: s.name, listPriceFen: s.listPriceFen, perBuyerLimit: s.perBuyerLimit, initialStock: s.initialStock });

const toProposal = (p: ProposalRow): ProductProposal => ({ ...p, skus: p.skus.map(newSku) });

const toFlashSale = (s: FlashSaleRow): FlashSale => ({
  id: s.id,
  skuId: s.skuId,
  warehouseId: s.warehouseId,
  leaderId: s.leaderId,
  liveSessionId: s.liveSessionId,
  salePriceFen: s.salePriceFen,
  quantity: s.quantity,
  perBuyerLimit: s.perBuyerLimit,
  startsAtMs: s.startsAtMs,
  endsAtMs: s.endsAtMs,
  holdSeconds: s.holdSeconds,
});
