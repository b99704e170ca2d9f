// Inventory's composition: adapters, the reservation logic, the gRPC service and the sweeper.
import { fileURLToPath } from 'node:url';
import { HOT_PATH_CONNECTIONS, ServiceRuntime, type Logger } from '@lc/kit';
import { InventoryServiceService, StockLedgerServiceService } from '@lc/contracts';
import { CatalogStore } from './adapters/catalog-store.js';
import { HotPools } from './adapters/hot-pool.js';
import { ProposalStore } from './adapters/proposal-store.js';
import { ReservationStore } from './adapters/reservation-store.js';
import { StockLedgerStore } from './adapters/stock-ledger-store.js';
import { StockPublisher } from './adapters/stock-publisher.js';
import type { InventoryConfig } from './config.js';
import { Reservations } from './reservations.js';
import { inventoryRpc } from './rpc/inventory-rpc.js';
import { stockLedgerRpc } from './rpc/stock-ledger-rpc.js';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

export async function startInventory(config: InventoryConfig, logger?: Logger) {
  const runtime = await ServiceRuntime.create({ name: 'inventory', config, migrationsDir, redis: true, redisAutoPipelining: true, nats: true, outbox: false, keepConnections: HOT_PATH_CONNECTIONS, ...(logger ? { logger } : {}) });
  const catalog = new CatalogStore(runtime.pool!);
  const holds = new ReservationStore(runtime.pool!);
  const stock = new StockPublisher(runtime.bus!, runtime.logger);
  stock.start();
  runtime.onClose('stock events', () => stock.stop());
  const reservations = new Reservations(new HotPools(runtime.redis!, config.REDIS_PREFIX), holds, catalog, stock, runtime.logger, config.LIST_PRICE_HOLD_SECONDS, {
    skuDefaultPerBuyer: config.SKU_DEFAULT_PER_BUYER_LIMIT,
    openListPriceHolds: config.MAX_OPEN_LIST_PRICE_HOLDS,
  });

  let sweeping: Promise<unknown> = Promise.resolve();
  const sweeper = setInterval(() => {
    sweeping = reservations.sweep(config.SWEEP_GRACE_MS, config.POOL_CLOSE_DELAY_MS).catch((err: unknown) => runtime.logger.warn({ err: (err as Error).message }, 'sweep failed'));
  }, config.SWEEP_INTERVAL_MS);
  runtime.onStopTakingWork('sweeper', async () => {
    clearInterval(sweeper);
    await sweeping;
  });

  const ledger = new StockLedgerStore(runtime.pool!, config.LOW_STOCK_DEFAULT_LEVEL);
  await runtime.start([
    { definition: InventoryServiceService, implementation: inventoryRpc({ catalog, proposals: new ProposalStore(runtime.pool!, catalog), holds, reservations, stock, logger: runtime.logger }) },
    { definition: StockLedgerServiceService, implementation: stockLedgerRpc({ ledger, zone: config.STOCK_ZONE, logger: runtime.logger }) },
  ]);
  return { runtime, reservations };
}
