// "关联微信": a buyer links their WeChat so parcel, refund and group-buy notices also arrive as
// Official Account messages. Linking leaves for WeChat's authorize page, which sends the browser
// back here with `code` and `state` in the query; the card finishes the link with them and takes
// them out of the address bar (a reload must not post a used code again). Hidden where the
// deployment has no Official Account.
import type { Api } from '../api.js';
import { describeError } from '../api.js';
import { fill, h, toast } from '../dom.js';
import { dateTime } from '../format.js';
import type { WeChatLinkView } from '@lc/contracts/views';

export class WeChatLinkCard {
  readonly element = h('section', { class: 'card wechat-link', hidden: true });

  constructor(private readonly api: Api) {}

  async load(): Promise<void> {
    try {
      const returned = this.returnFromWeChat();
      this.show(returned ? await this.finishLink(returned) : await this.api.get<WeChatLinkView>('/me/wechat'));
    } catch (e) {
      this.element.hidden = false;
      fill(this.element, h('p', { class: 'muted' }, describeError(e)));
    }
  }

  /** The code and state WeChat appended on its way back, removed from the address bar. */
  private returnFromWeChat(): { code: string; state: string } | undefined {
    const url = new URL(location.href);
    const code = url.searchParams.get('code');
    const state = url.searchParams.get('state');
    if (!code || !state) return undefined;
    url.searchParams.delete('code');
    url.searchParams.delete('state');
    history.replaceState(history.state, '', url);
    return { code, state };
  }

  private async finishLink(returned: { code: string; state: string }): Promise<WeChatLinkView> {
    try {
      const linked = await this.api.post<WeChatLinkView>('/me/wechat/link', returned);
      toast('微信已关联 WeChat linked');
      return linked;
    } catch (e) {
      toast(describeError(e), 'error');
      return this.api.get<WeChatLinkView>('/me/wechat');
    }
  }

  private async startLink(): Promise<void> {
    try {
      const { url } = await this.api.get<{ url: string }>('/me/wechat/authorize');
      location.assign(url);
    } catch (e) {
      toast(describeError(e), 'error');
    }
  }

  private async unlink(): Promise<void> {
    try {
      this.show(await this.api.del<WeChatLinkView>('/me/wechat'));
      toast('已解除微信关联 WeChat unlinked');
    } catch (e) {
      toast(describeError(e), 'error');
    }
  }

  private show(view: WeChatLinkView): void {
    this.element.hidden = !view.available && !view.linked;
    this.element.dataset.linked = String(view.linked);
    const title = h('h2', {}, '微信通知 ', h('span', { class: 'en' }, 'WeChat notices'));
    if (view.linked) {
      const unlink = h('button', { class: 'small unlink-wechat', type: 'button' }, '解除关联 Unlink');
      unlink.addEventListener('click', () => void this.unlink());
      fill(
        this.element,
        title,
        h('div', { class: 'row' }, h('span', { class: 'grow linked' }, `已关联微信 Linked${view.linkedAt ? ` · ${dateTime(view.linkedAt)}` : ''}`), unlink),
      );
      return;
    }
    const link = h('button', { class: 'small link-wechat', type: 'button' }, '关联微信 Link WeChat');
    link.addEventListener('click', () => void this.startLink());
    fill(
      this.element,
      title,
      h('div', { class: 'row' }, h('span', { class: 'grow muted' }, '到货、退款、拼团结果发到微信 Parcel, refund and group-buy news in WeChat'), link),
    );
  }
}
