// The order service's side of inventory: reservations travel in batches (the flash-sale path),
// settlements one by one.
import { BatchedRpc, RpcClient, isDomainError } from '@lc/kit';
import type { FlashSale, InventoryServiceClient, ReleaseResponse, ReserveRequest, ReserveResponse } from '@lc/contracts';

export class InventoryClient {
  private readonly reservations: BatchedRpc<ReserveRequest, ReserveResponse>;

  constructor(private readonly rpc: RpcClient<InventoryServiceClient>) {
    // Every item carries its own idempotency key, so a batch may be sent again.
    this.reservations = new BatchedRpc(
      async (items) => (await rpc.call((c) => c.reserveBatch, { items }, { idempotent: true })).results,
      { name: 'ReserveBatch' },
    );
  }

  reserve(request: ReserveRequest): Promise<ReserveResponse> {
    return this.reservations.call(request);
  }

  /** A hold at list price: ordinary shopping, one call each. */
  async reserveStock(request: { skuId: string; buyerId: string; qty: number; idempotencyKey: string }): Promise<ReserveResponse> {
    const { reservation } = await this.rpc.call((c) => c.reserveStock, request, { idempotent: true });
    if (!reservation) throw new Error('ReserveStock answered without a reservation');
    return reservation;
  }

  async confirm(reservationId: string): Promise<boolean> {
    return (await this.rpc.call((c) => c.confirm, { reservationId }, { idempotent: true })).confirmed;
  }

  release(reservationId: string, reason: string): Promise<ReleaseResponse> {
    return this.rpc.call((c) => c.release, { reservationId, reason }, { idempotent: true });
  }

  /** A pool for a group buy's stock cap (inventory checks the SKU is the leader's and the price). */
  async createPool(sale: Omit<FlashSale, 'id'>): Promise<FlashSale> {
    const { flashSale } = await this.rpc.call((c) => c.createFlashSale, { flashSale: { id: '', ...sale } });
    if (!flashSale) throw new Error('CreateFlashSale answered without a pool');
    return flashSale;
  }

  /** Ends a pool now, as an operator; a pool already over is left as it is. */
  async endPool(id: string): Promise<void> {
    await this.rpc.call((c) => c.endFlashSale, { id, leaderId: '' }).catch((err: unknown) => {
      if (!(isDomainError(err) && err.code === 'INVALID_STATE')) throw err;
    });
  }
}
