// Signing in by phone as a person would: ask for a code, read it from the development SMS inbox,
// sign in with it.
import { Api } from './api.js';

let seq = 0;
/** A mobile number no other test in this run uses. */
export const newPhone = () => `137${String(Date.now() % 1e5).padStart(5, '0')}${String(seq++ % 1000).padStart(3, '0')}`;

export interface PhoneSession {
  api: Api;
  user: { id: string; role: string; name: string };
  refreshToken: string;
  /** The sign-in answer as the web pages keep it (localStorage `lc.phoneSession`). */
  session: unknown;
}

export async function phoneSignIn(base: string, phone: string): Promise<PhoneSession> {
  const anonymous = new Api(base);
  const sent = await anonymous.post('/api/v1/auth/codes', { phone });
  if (sent.status !== 200) throw new Error(`code for ${phone}: ${sent.status} ${JSON.stringify(sent.body)}`);
  const inbox = await anonymous.get(`/api/v1/auth/dev-inbox?phone=${encodeURIComponent(phone)}`);
  const code = /\b([0-9]{6})\b/.exec(inbox.body?.messages?.[0]?.body ?? '')?.[1];
  if (!code) throw new Error(`no code in the inbox of ${phone}: ${JSON.stringify(inbox.body)}`);
  const r = await anonymous.post('/api/v1/auth/sign-in', { phone, code });
  if (r.status !== 200) throw new Error(`sign in ${phone}: ${r.status} ${JSON.stringify(r.body)}`);
  const api = new Api(base, r.body.token);
  api.userId = r.body.user.id;
  return { api, user: r.body.user, refreshToken: r.body.refreshToken, session: r.body };
}
