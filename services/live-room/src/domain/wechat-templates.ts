// The WeChat template message a buyer gets for the notices also sent by SMS (parcel waiting,
// money back, group buy failed). One Official Account template serves all three; the operator
// picks it from WeChat's library with three fields, which WeChat limits by type:
//   character_string1  订单编号 order number (≤ 32 letters, digits, symbols)
//   phrase2            订单状态 status (≤ 5 Chinese characters)
//   thing3             说明 detail (≤ 20 characters)
// WeChat refuses a message whose field is too long, so the detail is cut to fit, the pickup code
// first so it is never what is cut.
import type { NoticeView } from '@lc/contracts';
import { short, yuan } from './notice-rules.js';

const THING_MAX = 20;

const clip = (text: string, max: number) => {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
};

export type WeChatTemplateData = Record<'character_string1' | 'phrase2' | 'thing3', string>;

/** The template fields for `notice`, or undefined when its kind is not sent through WeChat. */
export function weChatTemplateFor(notice: NoticeView): WeChatTemplateData | undefined {
  const order = short(notice.orderId ?? '') || '-';
  switch (notice.kind) {
    case 'READY_FOR_PICKUP':
      return {
        character_string1: order,
        phrase2: '待取件',
        thing3: clip(notice.pickupCode ? `取件码${notice.pickupCode} ${notice.pickupPointName ?? ''}`.trim() : '已到自提点，取件码见我的订单', THING_MAX),
      };
    case 'REFUND_ISSUED':
      return { character_string1: order, phrase2: '已退款', thing3: clip(`${notice.refundFen ? `${yuan(notice.refundFen)} ` : ''}已原路退回`, THING_MAX) };
    case 'GROUP_BUY_FAILED':
      return { character_string1: order, phrase2: '拼团失败', thing3: '未达成团人数，将全额退款' };
    default:
      return undefined;
  }
}
