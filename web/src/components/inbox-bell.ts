// The inbox every page carries in its header: a bell with the unread count, the newest notices
// (more on demand), marking one or all read, and new notices live over the live-room socket on
// any page (`notice:new`; `notice:unread` when another tab reads). Bilingual like the pages.
import type { NoticeCreatedPush, NoticePage, NoticeUnreadPush, NoticeView } from '@lc/contracts/views';
import { describeError, type Api } from '../api.js';
import { dateTime } from '../format.js';
import { h, fill, toast } from '../dom.js';
import { LiveSocket, liveRoomUrl } from '../live-socket.js';
import './inbox-bell.css';

const PAGE = 20;

/** The bell as an SVG, so it shows without an emoji font. */
function bellIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z');
  svg.appendChild(path);
  return svg;
}

class InboxBell {
  private readonly notices: NoticeView[] = [];
  private cursor: string | null = null;
  private unread = 0;
  private readonly count = h('span', { class: 'inbox-count', id: 'inbox-count', hidden: true });
  readonly button = h('button', { class: 'inbox-bell', id: 'inbox-bell', type: 'button', 'aria-label': '通知 Notifications', title: '通知 Notifications' }, bellIcon(), this.count);
  private readonly list = h('ul', { id: 'inbox-list' });
  private readonly more = h('button', { class: 'small link hidden', type: 'button' }, '更多 More');
  readonly panel = h(
    'div',
    { class: 'inbox-panel', id: 'inbox-panel', hidden: true, role: 'dialog', 'aria-label': '通知 Notifications' },
    h(
      'div',
      { class: 'row' },
      h('h2', { class: 'grow' }, '通知 ', h('span', { class: 'en' }, 'Notifications')),
      h('button', { class: 'small', type: 'button', id: 'inbox-read-all', onclick: () => void this.markAllRead() }, '全部已读 Mark all read'),
    ),
    this.list,
    this.more,
  );

  constructor(private readonly api: Api) {
    this.button.addEventListener('click', () => this.toggle());
    this.more.addEventListener('click', () => void this.load(false));
  }

  async load(fresh = true): Promise<void> {
    try {
      const page = await this.api.get<NoticePage>(`/notifications?limit=${PAGE}${!fresh && this.cursor ? `&cursor=${this.cursor}` : ''}`);
      if (fresh) this.notices.length = 0;
      this.notices.push(...page.notifications.filter((n) => !this.notices.some((m) => m.id === n.id)));
      this.cursor = page.nextCursor;
      this.setUnread(page.unreadCount);
      this.render();
    } catch (e) {
      fill(this.list, h('li', { class: 'muted' }, describeError(e)));
    }
  }

  listen(live: LiveSocket): void {
    live.on<NoticeCreatedPush>('notice:new', ({ notice, unreadCount }) => {
      if (!this.notices.some((n) => n.id === notice.id)) this.notices.unshift(notice);
      this.setUnread(unreadCount);
      this.render();
      toast(`${notice.title}${notice.pickupCode ? ` · 取件码 Code ${notice.pickupCode}` : ''}`);
    });
    live.on<NoticeUnreadPush>('notice:unread', ({ unreadCount }) => {
      this.setUnread(unreadCount);
      // Another tab read some: show them as read here too.
      void this.load();
    });
    // What arrived while the socket was down is in the inbox: fetch it again.
    live.onReconnect(() => void this.load());
  }

  private toggle(): void {
    this.panel.hidden = !this.panel.hidden;
  }

  private setUnread(n: number): void {
    this.unread = n;
    this.count.textContent = n > 99 ? '99+' : String(n);
    this.count.hidden = n === 0;
    this.button.dataset.unread = String(n);
  }

  private render(): void {
    this.more.classList.toggle('hidden', this.cursor === null);
    if (!this.notices.length) {
      fill(this.list, h('li', { class: 'muted' }, '暂无通知 No notifications yet'));
      return;
    }
    fill(this.list, ...this.notices.map((n) => this.item(n)));
  }

  private item(n: NoticeView): HTMLElement {
    return h(
      'li',
      { class: n.read ? 'read' : 'unread', 'data-notice-id': n.id, 'data-kind': n.kind, onclick: () => void this.markRead(n) },
      h('div', { class: 'notice-title' }, n.title),
      h('div', { class: 'notice-body' }, n.body),
      n.pickupCode ? h('div', {}, h('span', { class: 'muted' }, `取件码 Pickup code${n.pickupPointName ? ` · ${n.pickupPointName}` : ''} `), h('span', { class: 'pickup-code' }, n.pickupCode)) : null,
      h('div', { class: 'muted' }, dateTime(n.createdAt)),
    );
  }

  private async markRead(n: NoticeView): Promise<void> {
    if (n.read) return;
    try {
      const { unreadCount } = await this.api.post<{ unreadCount: number }>('/notifications/read', { ids: [n.id] });
      n.read = true;
      this.setUnread(unreadCount);
      this.render();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  }

  private async markAllRead(): Promise<void> {
    if (this.unread === 0) return;
    try {
      const { unreadCount } = await this.api.post<{ unreadCount: number }>('/notifications/read-all');
      for (const n of this.notices) n.read = true;
      this.setUnread(unreadCount);
      this.render();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  }
}

/**
 * Puts the bell into the page's header bar for the signed-in user. Pages that already hold a
 * live-room socket pass it; others get one of their own (renewed like the live room's), and
 * without a socket the inbox still works, without live pushes.
 */
export async function mountInbox(api: Api, live?: LiveSocket): Promise<void> {
  const bell = new InboxBell(api);
  const bar = document.querySelector('header.bar') ?? document.body;
  bar.appendChild(bell.button);
  document.body.appendChild(bell.panel);
  await bell.load();
  try {
    bell.listen(live ?? (await LiveSocket.connect(await liveRoomUrl(), api.session.token, () => api.renew())));
    bell.button.dataset.live = 'on';
  } catch (e) {
    console.warn('notifications: no live push', describeError(e));
  }
}
