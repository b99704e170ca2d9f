// Pickup points are fulfillment's: an approved leader's point is opened through its
// CreatePickupPoint RPC, as an admin would open one.
import { isDomainError, type RpcClient } from '@lc/kit';
import type { FulfillmentServiceClient, PickupPoint } from '@lc/contracts';

export interface PickupPointOpener {
  /**
   * Opens `point` for its leader, or gives back the point the leader already has: a retried
   * approval, or a leader who predates onboarding, keeps the one point fulfillment allows them.
   */
  open(point: PickupPoint, adminId: string): Promise<PickupPoint>;
}

export class FulfillmentPickupPoints implements PickupPointOpener {
  constructor(private readonly fulfillment: RpcClient<FulfillmentServiceClient>) {}

  async open(point: PickupPoint, adminId: string): Promise<PickupPoint> {
    try {
      const { pickupPoint } = await this.fulfillment.call((c) => c.createPickupPoint, { actor: { userId: adminId, role: 'admin', warehouseId: '' }, pickupPoint: point });
      return pickupPoint!;
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'CONFLICT') throw error;
      const { pickupPoint } = await this.fulfillment.call((c) => c.getLeaderPickupPoint, { leaderId: point.leaderId }, { idempotent: true });
      if (!pickupPoint) throw error;
      return pickupPoint;
    }
  }
}
