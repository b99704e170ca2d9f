// Apply to be a leader (团长申请). Applying needs a phone sign-in, as on real platforms: the
// application's phone becomes the leader's sign-in, so it must be one the applicant has proved they
// hold (an anonymous form could hand someone else's number to a stranger's leader account). The
// page shows the person's applications and why one was rejected.
import { Api, describeError, phoneSession } from '../api.js';
import { byId, fill, h, toast } from '../dom.js';
import { dateTime } from '../format.js';
import { APPLICATION_STATUS_BADGE, APPLICATION_STATUS_LABELS } from '../leader-application-labels.js';
import type { LeaderApplicationView } from '@lc/contracts/views';

let api: Api;

async function main(): Promise<void> {
  const session = phoneSession();
  if (!session) {
    byId('need-sign-in').classList.remove('hidden');
    return;
  }
  byId('who').textContent = session.user.name;
  if (session.user.role !== 'buyer') {
    const section = byId('not-buyer');
    section.classList.remove('hidden');
    fill(
      section,
      session.user.role === 'leader'
        ? h('p', {}, '您已是团长。You are a leader already. ', h('a', { href: '/leader.html' }, '团长工作台 Leader console'))
        : h('p', {}, '工作人员账号不能申请团长。Staff accounts do not apply to be leaders.'),
    );
    return;
  }
  api = new Api(session);
  byId('zone').setAttribute('value', Intl.DateTimeFormat().resolvedOptions().timeZone);
  byId('phone-note').textContent = `审核通过后用此手机号登录团长工作台 Once approved, you sign in as a leader with this phone (the one you signed in with).`;
  byId('apply-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void apply();
  });
  byId('locate').addEventListener('click', locate);
  await refresh();
}

function locate(): void {
  if (!navigator.geolocation) {
    toast('此浏览器不能定位 This browser cannot locate you', 'error');
    return;
  }
  navigator.geolocation.getCurrentPosition(
    (p) => {
      byId<HTMLInputElement>('lat').value = p.coords.latitude.toFixed(6);
      byId<HTMLInputElement>('lng').value = p.coords.longitude.toFixed(6);
    },
    (err) => toast(`定位失败 Could not locate: ${err.message}`, 'error'),
  );
}

async function apply(): Promise<void> {
  const value = (id: string) => byId<HTMLInputElement>(id).value;
  try {
    await api.post('/leader-applications', {
      name: value('name'),
      community: value('community'),
      address: value('address'),
      lat: Number(value('lat')),
      lng: Number(value('lng')),
      zone: value('zone'),
    });
    toast('已提交，等待审核 Submitted for review');
  } catch (e) {
    toast(describeError(e), 'error');
  }
  await refresh();
}

async function refresh(): Promise<void> {
  try {
    const { applications } = await api.get<{ applications: LeaderApplicationView[] }>('/leader-applications');
    // One open application at a time: the form waits while one is pending or has made a leader.
    byId('apply').classList.toggle('hidden', applications.some((a) => a.status !== 'REJECTED'));
    fill(byId('mine'), ...applications.map(card));
    if (!applications.length) fill(byId('mine'), h('p', { class: 'muted' }, '还没有申请 No applications yet'));
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

function card(a: LeaderApplicationView): HTMLElement {
  return h(
    'article',
    { class: 'card application', 'data-status': a.status },
    h('div', { class: 'row' }, h('h3', { class: 'grow' }, a.community), h('span', { class: `badge ${APPLICATION_STATUS_BADGE[a.status]}` }, APPLICATION_STATUS_LABELS[a.status])),
    h('p', { class: 'muted' }, `${a.address} · 提交于 submitted ${dateTime(a.submittedAt)}`),
    a.status === 'REJECTED' ? h('p', {}, `原因 Reason: ${a.reason ?? ''}`) : null,
    a.status === 'APPROVED' ? h('p', {}, '请重新登录，进入', h('a', { href: '/signin.html?next=/leader.html' }, '团长工作台'), '。Sign in again to open your leader console.') : null,
  );
}

void main();
