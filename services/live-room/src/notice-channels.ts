// How a new notice reaches its user besides the inbox row itself: in-app (the socket push to the
// user's open pages) always, SMS when the deployment names a relay (adapters/sms-channel, which
// keeps its own delivery record, since texts cost money and must not repeat); a WeChat
// template-message channel would implement the same interface.
import type { NoticeView } from '@lc/contracts';

export interface NoticeChannel {
  readonly name: string;
  /** Hands a newly recorded notice to the channel; `unreadCount` is the user's count including it. */
  deliver(userId: string, notice: NoticeView, unreadCount: number): Promise<void>;
}
