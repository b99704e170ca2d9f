// LeaderCustomerService gRPC handlers. Who may read which leader's customers is the gateway's
// check (a leader their own, an admin any); this answers for the leader it is asked about.
import { unaryService, type Logger } from '@lc/kit';
import type { LeaderCustomerServiceServer } from '@lc/contracts';
import type { Customers } from '../customers.js';

export function customerRpc(customers: Customers, logger: Logger): LeaderCustomerServiceServer {
  return unaryService<LeaderCustomerServiceServer>(
    {
      async listLeaderCustomers(req) {
        return customers.page(req.leaderId, req.page || 1, req.pageSize || 20);
      },
    },
    logger,
  );
}
