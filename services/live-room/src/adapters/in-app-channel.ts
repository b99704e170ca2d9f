// The in-app channel: pushes to every socket the user has open, on any page and any pod (through
// the socket.io Redis adapter, since the event was consumed by one pod only).
import type { Server } from 'socket.io';
import { NOTICE_PUSH, type NoticeCreatedPush, type NoticeUnreadPush, type NoticeView } from '@lc/contracts';
import type { NoticeChannel } from '../notice-channels.js';
import { rooms } from '../socket/room-names.js';

export class InAppChannel implements NoticeChannel {
  readonly name = 'in-app';

  constructor(private readonly io: Server) {}

  async deliver(userId: string, notice: NoticeView, unreadCount: number): Promise<void> {
    const push: NoticeCreatedPush = { notice, unreadCount };
    this.io.to(rooms.user(userId)).emit(NOTICE_PUSH.created, push);
  }

  /** Other tabs of the user follow a read made in one of them. */
  unreadChanged(userId: string, unreadCount: number): void {
    const push: NoticeUnreadPush = { unreadCount };
    this.io.to(rooms.user(userId)).emit(NOTICE_PUSH.unread, push);
  }
}
