// Postgres access for product proposals: a leader asks a warehouse to stock a product for them;
// staff of that warehouse accept it (the product is created, owned by the leader) or reject it.
import { randomUUID } from 'node:crypto';
import { DomainError, inTransaction, type Pool } from '@lc/kit';
import type { CatalogStore, NewSkuRow, ProductRow } from './catalog-store.js';
import { isUuid } from './catalog-store.js';

export type ProposalStatus = 'PENDING' | 'ACCEPTED' | 'REJECTED';

export interface ProposalRow {
  id: string;
  leaderId: string;
  warehouseId: string;
  name: string;
  description: string;
  imageUrls: string[];
  skus: NewSkuRow[];
  status: ProposalStatus;
  reason: string;
  productId: string;
  decidedBy: string;
  createdAtMs: number;
  decidedAtMs: number;
}

const SELECT = `SELECT *, (extract(epoch from created_at) * 1000)::bigint AS created_ms,
  COALESCE((extract(epoch from decided_at) * 1000)::bigint, 0) AS decided_ms FROM product_proposals`;

export class ProposalStore {
  constructor(private readonly pool: Pool, private readonly catalog: CatalogStore) {}

  async propose(p: Pick<ProposalRow, 'leaderId' | 'warehouseId' | 'name' | 'description' | 'imageUrls' | 'skus'>): Promise<ProposalRow> {
    const id = randomUUID();
    await this.pool.query(
      'INSERT INTO product_proposals (id, leader_id, warehouse_id, name, description, image_urls, skus) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [id, p.leaderId, p.warehouseId, p.name, p.description, JSON.stringify(p.imageUrls), JSON.stringify(p.skus)],
    );
    return (await this.get(id))!;
  }

  async get(id: string): Promise<ProposalRow | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.pool.query(`${SELECT} WHERE id = $1`, [id]);
    return rows[0] ? toProposal(rows[0]) : undefined;
  }

  async list(filter: { warehouseId: string; leaderId: string; status: string }): Promise<ProposalRow[]> {
    const { rows } = await this.pool.query(
      `${SELECT} WHERE ($1 = '' OR warehouse_id = $1) AND ($2 = '' OR leader_id = $2) AND ($3 = '' OR status = $3)
       ORDER BY created_at DESC LIMIT 200`,
      [filter.warehouseId, filter.leaderId, filter.status],
    );
    return rows.map(toProposal);
  }

  /**
   * Decides a pending proposal once: accepting creates the product (owned by the proposing
   * leader, stocked at the proposal's warehouse) in the same transaction. Staff of another
   * warehouse do not see it at all.
   */
  async decide(d: { id: string; warehouseId: string; decidedBy: string; accept: boolean; reason: string }): Promise<{ proposal: ProposalRow; product?: ProductRow }> {
    if (!d.accept && !d.reason.trim()) throw new DomainError('INVALID_ARGUMENT', 'reason: required when rejecting');
    const product = await inTransaction(this.pool, async (client) => {
      const { rows } = isUuid(d.id) ? await client.query(`${SELECT} WHERE id = $1 FOR UPDATE`, [d.id]) : { rows: [] };
      const found = rows[0] ? toProposal(rows[0]) : undefined;
      if (!found || (d.warehouseId && found.warehouseId !== d.warehouseId)) throw new DomainError('NOT_FOUND', `no product proposal ${d.id}`);
      if (found.status !== 'PENDING') throw new DomainError('INVALID_STATE', `the proposal was already ${found.status.toLowerCase()}`);
      const created = d.accept
        ? await this.catalog.createProduct(
            { name: found.name, description: found.description, imageUrls: found.imageUrls, createdBy: d.decidedBy, ownerLeaderId: found.leaderId, category: 'general', warehouseId: found.warehouseId, skus: found.skus },
            client,
          )
        : undefined;
      await client.query(
        `UPDATE product_proposals SET status = $2, reason = $3, product_id = $4, decided_by = $5, decided_at = now() WHERE id = $1`,
        [found.id, d.accept ? 'ACCEPTED' : 'REJECTED', d.accept ? '' : d.reason.trim(), created?.id ?? null, d.decidedBy],
      );
      return created;
    });
    return { proposal: (await this.get(d.id))!, ...(product ? { product } : {}) };
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toProposal(r: any): ProposalRow {
  return {
    id: r.id,
    leaderId: r.leader_id,
    warehouseId: r.warehouse_id,
    name: r.name,
    description: r.description,
    imageUrls: r.image_urls,
    skus: r.skus,
    status: r.status,
    reason: r.reason,
    productId: r.product_id ?? '',
    decidedBy: r.decided_by,
    createdAtMs: Number(r.created_ms),
    decidedAtMs: Number(r.decided_ms),
  };
}
