// The text messages a buyer gets for the few notices worth an SMS (each costs money and
// interrupts): the parcel is waiting, money went back, a group buy failed. Short and bilingual;
// every other kind stays in the inbox only.
import type { NoticeView } from '@lc/contracts';
import { short, yuan } from './notice-rules.js';

/**
 * The development sender signature (【签名】, which Chinese carriers expect at the head of every
 * message): the operator sets their registered one in NOTICE_SMS_SIGNATURE, and production refuses
 * this placeholder while SMS notices are on.
 */
export const PLACEHOLDER_SMS_SIGNATURE = '【直播团购】';

/** The SMS for `notice` headed by `signature`, or undefined when its kind is not sent by SMS. */
export function smsTextFor(notice: NoticeView, signature: string): string | undefined {
  const o = short(notice.orderId ?? '');
  switch (notice.kind) {
    case 'READY_FOR_PICKUP':
      // The code is re-derived by fulfillment while the parcel waits; without it the buyer opens
      // their orders page rather than getting a message that names no code.
      if (notice.pickupCode && notice.pickupPointName) {
        return `${signature}订单 ${o} 已到 ${notice.pickupPointName}，取件码 ${notice.pickupCode}。Order ${o} is at ${notice.pickupPointName}: pickup code ${notice.pickupCode}.`;
      }
      return `${signature}订单 ${o} 已到自提点，取件码见“我的订单”。Order ${o} is at your pickup point: see My orders for the code.`;
    case 'REFUND_ISSUED': {
      const amount = notice.refundFen ? ` ${yuan(notice.refundFen)}` : '';
      return `${signature}订单 ${o} 已退款${amount}，原路退回。Order ${o} was refunded${amount} to your original payment.`;
    }
    case 'GROUP_BUY_FAILED':
      return `${signature}您参加的拼团未成团${o ? `，订单 ${o}` : ''} 将全额退款。Your group buy did not reach its minimum${o ? `: order ${o}` : ''} will be refunded in full.`;
    default:
      return undefined;
  }
}
