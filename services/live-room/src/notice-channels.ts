// How a new notice reaches its user besides the inbox row itself: in-app (the socket push to the
// user's open pages) always; SMS (adapters/sms-channel) and WeChat template messages
// (adapters/wechat-channel) when the deployment configures them, each keeping a delivery record
// (adapters/claimed-channel), since those cost money and must not repeat.
import type { NoticeKind, NoticeView } from '@lc/contracts';

export interface NoticeChannel {
  readonly name: string;
  /** Hands a newly recorded notice to the channel; `unreadCount` is the user's count including it. */
  deliver(userId: string, notice: NoticeView, unreadCount: number): Promise<void>;
}

/**
 * A channel outside the platform (SMS, WeChat): it sends only `kinds`, at most once per notice (a
 * claim recorded in notice_deliveries), so the inbox may hand it the same notice again when it
 * recovers deliveries a dead pod left unfinished.
 */
export interface ExternalNoticeChannel {
  readonly name: string;
  readonly kinds: readonly NoticeKind[];
  deliver(userId: string, notice: NoticeView): Promise<void>;
}
