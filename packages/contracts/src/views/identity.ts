// Phone sign-in as REST answers it: the session a sign-in or refresh hands out, what the sign-in
// page asks before it shows itself, and the development SMS inbox.
import type { Role } from './roles.js';

export interface SignedInUser {
  id: string;
  role: Role;
  name: string;
  /** Warehouse staff: the warehouse they work for. */
  warehouseId?: string;
}

/** POST /auth/sign-in and POST /auth/refresh. `token` is the access token (as the dev login's). */
export interface SignInSession {
  token: string;
  refreshToken: string;
  /** ISO time the access token stops being honoured; refresh before then. */
  accessExpiresAt: string;
  user: SignedInUser;
}

/** POST /auth/codes. */
export interface CodeSent {
  sent: true;
  expiresInSeconds: number;
}

/** GET /auth/options: which ways to sign in this deployment offers. */
export interface SignInOptions {
  phone: true;
  /** The dev login (and its role picker) is on: development and demos only. */
  devLogin: boolean;
  /** Codes land in the development inbox (GET /auth/dev-inbox), not on a phone. */
  devInbox: boolean;
}

/** GET /auth/dev-inbox?phone= (development only). */
export interface DevInboxMessage {
  body: string;
  sentAt: string;
}

/** POST /admin/users: a leader, staff member, driver or admin an operator adds. */
export interface AdminCreatedUser extends SignedInUser {
  phone: string;
}

/** GET /me/wechat (and what linking and unlinking answer): the buyer's WeChat link for notices. */
export interface WeChatLinkView {
  /** Whether this deployment links WeChat at all (the Official Account is configured). */
  available: boolean;
  linked: boolean;
  linkedAt: string | null;
}
