// How a new notice reaches its user besides the inbox row itself. In-app (the socket push to the
// user's open pages) is the one channel today; an SMS or WeChat template-message channel would
// implement the same interface (and keep its own delivery record, since those cost money and must
// not repeat), configured per deployment.
import type { NoticeView } from '@lc/contracts';

export interface NoticeChannel {
  readonly name: string;
  /** Hands a newly recorded notice to the channel; `unreadCount` is the user's count including it. */
  deliver(userId: string, notice: NoticeView, unreadCount: number): Promise<void>;
}
