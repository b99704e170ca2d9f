// The live room's chat: history, incoming messages, sending with the server's refusals shown in
// line, and (for the host) delete and mute on each message.
import { h, fill } from '../dom.js';
import { clockTime } from '../format.js';
import type { ChatMessage } from '@lc/contracts/views';
import { describeLiveError, type LiveSocket } from '../live-socket.js';

const MAX_SHOWN = 200;

export class ChatPanel {
  readonly element: HTMLElement;
  private readonly list = h('ul', { id: 'chat-list', 'aria-live': 'polite' });
  private readonly input = h('input', { id: 'chat-input', maxlength: 200, placeholder: '说点什么… Say something…', autocomplete: 'off' });
  private readonly sendButton = h('button', { id: 'chat-send', type: 'submit' }, '发送 Send');

  constructor(
    private readonly live: LiveSocket,
    private readonly opts: { host: boolean; selfId: string },
  ) {
    const form = h('form', { class: 'row', onsubmit: (e: Event) => void this.send(e) }, h('div', { class: 'grow' }, this.input), this.sendButton);
    this.input.style.width = '100%';
    this.element = h('section', { class: 'card chat', id: 'chat' }, this.list, form);
    live.on<ChatMessage>('chat:message', (m) => this.add(m));
    live.on<{ messageId: string }>('chat:deleted', ({ messageId }) => this.list.querySelector(`[data-id="${CSS.escape(messageId)}"]`)?.remove());
    live.on<{ userId: string; untilMs: number; reason: string }>('chat:muted', (m) => {
      const who = m.userId === opts.selfId ? '您 You' : m.userId;
      this.note(`${who} 已被禁言 muted${m.reason ? `: ${m.reason}` : ''}`, 'system');
    });
    live.on<{ userId: string }>('chat:unmuted', (m) => this.note(`${m.userId} 已解除禁言 unmuted`, 'system'));
  }

  showHistory(messages: ChatMessage[]): void {
    fill(this.list);
    for (const m of messages) this.add(m);
  }

  add(m: ChatMessage): void {
    if (this.list.querySelector(`[data-id="${CSS.escape(m.id)}"]`)) return;
    const item = h(
      'li',
      { 'data-id': m.id, 'data-user': m.userId, class: m.role === 'leader' ? 'host' : '', title: clockTime(m.atMs) },
      h('span', { class: 'name' }, `${m.name}${m.role === 'leader' ? ' 👑' : ''}:`),
      h('span', { class: 'text' }, m.text),
    );
    if (this.opts.host && m.userId !== this.opts.selfId) {
      item.append(
        h('button', { class: 'small link', 'data-action': 'delete', onclick: () => void this.moderate('chat:delete', { messageId: m.id }) }, '删除 Delete'),
        h('button', { class: 'small link', 'data-action': 'mute', onclick: () => void this.moderate('chat:mute', { userId: m.userId, minutes: 10, reason: '违反直播间规则 Room rules' }) }, '禁言 Mute'),
      );
    }
    this.list.appendChild(item);
    while (this.list.children.length > MAX_SHOWN) this.list.firstElementChild?.remove();
    this.list.scrollTop = this.list.scrollHeight;
  }

  note(text: string, kind: 'system' | 'refused'): void {
    this.list.appendChild(h('li', { class: kind }, text));
    this.list.scrollTop = this.list.scrollHeight;
  }

  private async send(e: Event): Promise<void> {
    e.preventDefault();
    const text = this.input.value.trim();
    if (!text) return;
    this.sendButton.disabled = true;
    try {
      const { message } = await this.live.request<{ message: ChatMessage }>('chat:send', { text });
      this.add(message);
      this.input.value = '';
    } catch (err) {
      this.note(`未发送 Not sent — ${describeLiveError(err)}`, 'refused');
    } finally {
      this.sendButton.disabled = false;
    }
  }

  private async moderate(event: string, payload: object): Promise<void> {
    try {
      await this.live.request(event, payload);
    } catch (err) {
      this.note(describeLiveError(err), 'refused');
    }
  }
}
