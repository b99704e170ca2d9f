// Who a user is, as every token, REST guard and socket handshake names it.
export const ROLES = ['buyer', 'leader', 'warehouse', 'driver', 'admin'] as const;
export type Role = (typeof ROLES)[number];
