// Sign-in page: phone → one-time code → signed in, then back to the page that sent the person
// here (or their role's home). In development it shows the code from the development inbox.
import type { CodeSent, DevInboxMessage, SignInSession } from '@lc/contracts/views';
import { Api, ApiError, describeError, forgetPhoneSession, keepPhoneSession, phoneSession, publicCall, signInOptions } from '../api.js';
import { byId, param, toast } from '../dom.js';

const HOME_OF: Record<SignInSession['user']['role'], string> = {
  buyer: '/shop.html',
  leader: '/leader.html',
  warehouse: '/warehouse.html',
  driver: '/driver.html',
  admin: '/',
};

const ROLE_LABEL: Record<SignInSession['user']['role'], string> = {
  buyer: '买家 buyer',
  leader: '团长 leader',
  warehouse: '仓库 warehouse staff',
  driver: '司机 driver',
  admin: '运营 admin',
};

let phone = '';

/** Only a path on this site: a `next` naming another origin would hand the session's page away. */
function nextPage(session: SignInSession): string {
  const next = param('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : HOME_OF[session.user.role];
}

async function main(): Promise<void> {
  const options = await signInOptions().catch(() => undefined);
  if (options?.devLogin) byId('dev-login-note').hidden = false;
  showSignedIn();
  byId<HTMLFormElement>('phone-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void sendCode(options?.devInbox ?? false);
  });
  byId<HTMLFormElement>('code-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn();
  });
  byId('sign-out').addEventListener('click', () => void signOut(false));
  byId('sign-out-everywhere').addEventListener('click', () => void signOut(true));
}

function showSignedIn(): void {
  const session = phoneSession();
  byId('signed-in').hidden = !session;
  if (!session) return;
  byId('signed-in-as').textContent = `${session.user.name} · ${ROLE_LABEL[session.user.role]}`;
  byId<HTMLAnchorElement>('continue').href = nextPage(session);
}

async function sendCode(devInbox: boolean): Promise<void> {
  phone = byId<HTMLInputElement>('phone').value;
  try {
    const sent = await publicCall<CodeSent>('POST', '/auth/codes', { phone });
    byId('code-form').hidden = false;
    byId('code-hint').textContent = `验证码已发送，${Math.round(sent.expiresInSeconds / 60)} 分钟内有效 Code sent; it expires in ${Math.round(sent.expiresInSeconds / 60)} minutes.`;
    byId<HTMLInputElement>('code').focus();
    if (devInbox) await showDevHint();
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

/** Development only: the gateway answers the inbox only while codes go to it, not to phones. */
async function showDevHint(): Promise<void> {
  const { messages } = await publicCall<{ messages: DevInboxMessage[] }>('GET', `/auth/dev-inbox?phone=${encodeURIComponent(phone)}`);
  const code = /\b([0-9]{6})\b/.exec(messages[0]?.body ?? '')?.[1];
  const hint = byId('dev-hint');
  hint.hidden = !code;
  hint.textContent = `开发模式收件箱 Development inbox: ${code ?? ''}`;
  if (code) hint.dataset.code = code;
}

async function signIn(): Promise<void> {
  const code = byId<HTMLInputElement>('code').value.trim();
  try {
    const session = await publicCall<SignInSession>('POST', '/auth/sign-in', { phone, code });
    keepPhoneSession(session);
    location.assign(nextPage(session));
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

async function signOut(everywhere: boolean): Promise<void> {
  const session = phoneSession();
  if (!session) return;
  try {
    // Api renews an expired access token first, so a session idle for a while can still sign out.
    await new Api(session).post('/auth/sign-out', { everywhere });
    toast(everywhere ? '已在所有设备退出 Signed out everywhere' : '已退出 Signed out');
  } catch (e) {
    // A session already over (signed out elsewhere) has nothing left to end.
    if (!(e instanceof ApiError && e.status === 401)) toast(describeError(e), 'error');
  } finally {
    forgetPhoneSession();
    showSignedIn();
  }
}

void main();
