// "我的团长": the leader a buyer belongs to (bound by their first order through a leader's share
// link) and that leader's pickup point.
import type { Api } from '../api.js';
import { describeError } from '../api.js';
import { fill, h } from '../dom.js';
import { dateTime } from '../format.js';
import type { MyLeaderView } from '@lc/contracts/views';

export class MyLeaderCard {
  readonly element = h('section', { class: 'card my-leader', 'data-leader-id': '' });

  constructor(private readonly api: Api) {}

  async load(): Promise<void> {
    try {
      this.show(await this.api.get<MyLeaderView>('/me/leader'));
    } catch (e) {
      fill(this.element, h('p', { class: 'muted' }, describeError(e)));
    }
  }

  private show(mine: MyLeaderView): void {
    this.element.dataset.leaderId = mine.leader?.id ?? '';
    const title = h('h2', {}, '我的团长 ', h('span', { class: 'en' }, 'My leader'));
    if (!mine.leader) {
      fill(this.element, title, h('p', { class: 'muted none' }, '还没有团长：通过团长的分享链接下单即加入 No leader yet: order through a leader’s share link to join their group'));
      return;
    }
    const p = mine.pickupPoint;
    fill(
      this.element,
      title,
      h('div', { class: 'row' }, h('strong', { class: 'leader-name grow' }, mine.leader.name), h('span', { class: 'muted' }, `自 ${dateTime(mine.boundAt!)} 起 since`)),
      p
        ? h('div', { class: 'pickup', 'data-point-id': p.id }, `自提点 Pickup: ${p.name}`, p.address ? ` · ${p.address}` : '', p.opensAt ? ` · ${p.opensAt}–${p.closesAt}` : '')
        : h('p', { class: 'muted' }, '团长暂无自提点 The leader has no pickup point yet'),
    );
  }
}
