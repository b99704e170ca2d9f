// Where after-sales photos live, behind one interface. The Postgres storage writes the bytes in the
// transaction that opens the case, so a refused case leaves no photo behind.
import type { Pool, PoolClient } from '@lc/kit';

export interface PhotoStorage {
  /** Stores a photo's bytes; `client` is the transaction opening the case (a disk store may ignore it). */
  save(client: PoolClient, photoId: string, data: Uint8Array): Promise<void>;
  load(photoId: string): Promise<Buffer | undefined>;
}

export class PostgresPhotoStorage implements PhotoStorage {
  constructor(private readonly pool: Pool) {}

  async save(client: PoolClient, photoId: string, data: Uint8Array): Promise<void> {
    await client.query('INSERT INTO after_sales_photo_blobs (photo_id, data) VALUES ($1, $2)', [photoId, Buffer.from(data)]);
  }

  async load(photoId: string): Promise<Buffer | undefined> {
    const { rows } = await this.pool.query<{ data: Buffer }>('SELECT data FROM after_sales_photo_blobs WHERE photo_id = $1', [photoId]);
    return rows[0]?.data;
  }
}
