// How a new notice reaches its user besides the inbox row itself: in-app (the socket push to the
// user's open pages) always; SMS (adapters/sms-channel) and WeChat template messages
// (adapters/wechat-channel) when the deployment configures them, each keeping a delivery record
// (adapters/claimed-channel), since those cost money and must not repeat.
import type { NoticeView } from '@lc/contracts';

export interface NoticeChannel {
  readonly name: string;
  /** Hands a newly recorded notice to the channel; `unreadCount` is the user's count including it. */
  deliver(userId: string, notice: NoticeView, unreadCount: number): Promise<void>;
}
