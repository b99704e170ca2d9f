// Paying or cancelling an order over the REST API, with the answer shown on its card and a toast.
import { describeError, type Api } from './api.js';
import type { OrderCard } from './components/order-timeline.js';
import { toast } from './dom.js';
import type { OrderView as Order } from '@lc/contracts/views';

export async function orderAction(api: Api, card: OrderCard, action: 'pay' | 'cancel'): Promise<void> {
  try {
    card.update(await api.post<Order>(`/orders/${card.order.id}/${action}`));
    toast(action === 'pay' ? '支付成功 Paid' : '已取消 Cancelled');
  } catch (e) {
    toast(describeError(e), 'error');
  }
}
