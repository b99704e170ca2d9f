// The pickup codes of a buyer's waiting parcels, asked of fulfillment (which re-derives them and
// never stores them), so a READY_FOR_PICKUP notice shows the code without the inbox keeping it.
import type { Logger, RpcClient } from '@lc/kit';
import type { FulfillmentServiceClient } from '@lc/contracts';

export interface WaitingParcel {
  code: string;
  pickupPointName: string;
}

const WAITING = new Set(['ARRIVED', 'READY_FOR_PICKUP']);

export class PickupCodeLookup {
  constructor(
    private readonly fulfillment: RpcClient<FulfillmentServiceClient>,
    private readonly logger: Logger,
  ) {}

  /** By order id; empty when fulfillment cannot answer (the notice is still shown, without its code). */
  async waitingParcels(buyerId: string): Promise<Map<string, WaitingParcel>> {
    try {
      const { codes } = await this.fulfillment.call((c) => c.listPickupCodes, { buyerId }, { idempotent: true });
      return new Map(codes.filter((c) => WAITING.has(c.status)).map((c) => [c.orderId, { code: c.code, pickupPointName: c.pickupPointName }]));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'pickup codes unavailable; notices shown without them');
      return new Map();
    }
  }
}
