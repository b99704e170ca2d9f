// Landing page: the sign-in link, the demo's role picker (development only: outside it each page
// sends people to the sign-in page), and the sessions live right now (as a buyer would find them).
import { Api, buyerIdForThisBrowser, describeError, signInOptions } from '../api.js';
import { byId, fill, h } from '../dom.js';
import { listSessions } from '../live-sessions.js';
import { mountInbox } from '../components/inbox-bell.js';

async function main(): Promise<void> {
  const list = byId('live-now');
  const devLogin = (await signInOptions().catch(() => undefined))?.devLogin ?? false;
  byId('picker-note').hidden = !devLogin;
  byId('roles').hidden = !devLogin;
  try {
    const api = await Api.as(buyerIdForThisBrowser(), 'buyer');
    const sessions = await listSessions(api);
    void mountInbox(api);
    fill(
      list,
      ...sessions.map((s) =>
        h(
          'li',
          { class: 'row' },
          h('span', { class: `badge ${s.status === 'LIVE' ? 'live' : ''}` }, s.status === 'LIVE' ? '直播中 LIVE' : '预告 Soon'),
          h('a', { class: 'grow', href: `/live.html?session=${encodeURIComponent(s.id)}&leader=${encodeURIComponent(s.leaderId)}` }, s.title),
          h('span', { class: 'muted' }, s.leaderId),
        ),
      ),
    );
    if (!sessions.length) fill(list, h('li', { class: 'muted' }, '暂无直播 Nothing live right now'));
  } catch (e) {
    fill(list, h('li', { class: 'muted' }, describeError(e)));
  }
}

void main();
