// Leader service composition: leaders and their onboarding, the commission ledger fed by order events, T+1
// settlement, withdrawals through the payout provider, reconciliation, tiers and ratings, the
// jobs that settle and evaluate when due, and the gRPC server.
import { fileURLToPath } from 'node:url';
import { RpcClient, ServiceRuntime, type Logger } from '@lc/kit';
import { FulfillmentServiceClient, InventoryServiceClient, LeaderCustomerServiceService, LeaderDashboardServiceService, LeaderOnboardingServiceService, LeaderServiceService } from '@lc/contracts';
import { ApplicationStore } from './adapters/application-store.js';
import { CatalogCategories, type CategoryLookup } from './adapters/catalog-categories.js';
import { LeaderStore } from './adapters/leader-store.js';
import { LedgerStore } from './adapters/ledger-store.js';
import { FulfillmentPickupPoints } from './adapters/pickup-points.js';
import { consumeOrderEvents } from './adapters/order-consumer.js';
import { SandboxPayoutProvider, type PayoutProvider } from './adapters/payout-provider.js';
import { StatementStore } from './adapters/statement-store.js';
import { TierStore } from './adapters/tier-store.js';
import { WithdrawalStore } from './adapters/withdrawal-store.js';
import type { LeaderConfig } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { Dashboard } from './dashboard.js';
import { Leaders } from './leaders.js';
import { Ledger } from './ledger.js';
import { Reconciler } from './reconciliation.js';
import { Onboarding } from './onboarding.js';
import { dashboardRpc } from './rpc/dashboard-rpc.js';
import { leaderRpc } from './rpc/leader-rpc.js';
import { onboardingRpc } from './rpc/onboarding-rpc.js';
import { Settlement } from './settlement.js';
import { Tiers } from './tiers.js';
import { Withdrawals } from './withdrawals.js';
import { CustomerStore } from './adapters/customer-store.js';
import { consumeCustomerEvents } from './adapters/customer-consumer.js';
import { Customers } from './customers.js';
import { customerRpc } from './rpc/customer-rpc.js';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

export interface LeaderOptions {
  logger?: Logger;
  /** The jobs' and requests' time (tests move it by hand). */
  clock?: Clock;
  categories?: CategoryLookup;
}

export async function startLeader(config: LeaderConfig, options: LeaderOptions = {}) {
  const runtime = await ServiceRuntime.create({ name: 'leader', config, migrationsDir, nats: true, ...(options.logger ? { logger: options.logger } : {}) });
  const pool = runtime.pool!;
  const clock = options.clock ?? systemClock;
  const stores = {
    leaders: new LeaderStore(pool),
    ledger: new LedgerStore(pool),
    statements: new StatementStore(pool),
    withdrawals: new WithdrawalStore(pool),
    tiers: new TierStore(pool),
    applications: new ApplicationStore(pool),
  };
  let categories = options.categories;
  if (!categories) {
    const inventory = new RpcClient(InventoryServiceClient, config.INVENTORY_ADDR);
    runtime.onClose('inventory client', () => inventory.close());
    categories = new CatalogCategories(inventory);
  }
  const fulfillment = new RpcClient(FulfillmentServiceClient, config.FULFILLMENT_ADDR);
  runtime.onClose('fulfillment client', () => fulfillment.close());
  const onboarding = new Onboarding(pool, stores.applications, stores.leaders, new FulfillmentPickupPoints(fulfillment), clock);
  const provider: PayoutProvider = new SandboxPayoutProvider(pool);
  const leaders = new Leaders(stores.leaders, config.DEFAULT_LEADER_ZONE);
  const ledger = new Ledger(pool, stores.ledger, stores.tiers, leaders, categories, config.COMMISSION_RATES);
  const settlement = new Settlement(pool, stores.statements, stores.ledger, leaders, runtime.logger);
  const withdrawals = new Withdrawals(pool, stores.withdrawals, stores.ledger, leaders, provider, clock, config.WITHDRAWAL_MIN_FEN);
  const reconciler = new Reconciler(stores.ledger, stores.statements, stores.withdrawals, provider);
  const tiers = new Tiers(pool, stores.tiers, stores.ledger, leaders, clock, runtime.logger);

  const dashboard = new Dashboard(pool, leaders, ledger, tiers, clock, config.DEFAULT_LEADER_ZONE);

  // Both are idempotent by source event, so a redelivery after either failed repeats nothing.
  runtime.addConsumer(
    await consumeOrderEvents(runtime.bus!, async (event, subject) => {
      await Promise.all([ledger.onOrderEvent(event, subject), dashboard.onOrderEvent(event, subject)]);
    }),
  );
  const customers = new Customers(new CustomerStore(pool));
  runtime.addConsumer(await consumeCustomerEvents(runtime.bus!, (event, subject) => customers.onOrderEvent(event, subject)));

  /** Settles the days and evaluates the months that are due at the clock's now. */
  const runJobs = async () => {
    const nowMs = clock.now();
    const statements = await settlement.runDue(nowMs);
    const evaluations = await tiers.runDue(nowMs);
    return { statements, evaluations };
  };
  if (config.JOBS_INTERVAL_MS > 0) {
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = runJobs().catch((err: unknown) => runtime.logger.warn({ err: (err as Error).message }, 'leader jobs failed'));
    }, config.JOBS_INTERVAL_MS);
    runtime.onStopTakingWork('leader jobs', async () => {
      clearInterval(timer);
      await running;
    });
  }

  await runtime.start([
    { definition: LeaderServiceService, implementation: leaderRpc({ leaders, ledger, settlement, withdrawals, reconciler, tiers }, runtime.logger) },
    { definition: LeaderOnboardingServiceService, implementation: onboardingRpc(onboarding, runtime.logger) },
    { definition: LeaderCustomerServiceService, implementation: customerRpc(customers, runtime.logger) },
    { definition: LeaderDashboardServiceService, implementation: dashboardRpc(dashboard, runtime.logger) },
  ]);
  return { runtime, onboarding, customers, leaders, ledger, settlement, withdrawals, reconciler, tiers, dashboard, runJobs };
}
