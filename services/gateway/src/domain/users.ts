// Who may ask for what: roles (the shared list of @lc/contracts), and the demo's users (the dev
// login knows them; outside production they also sign in by phone).
import type { Role } from '@lc/contracts';

export { ROLES, type Role } from '@lc/contracts';

export interface User {
  id: string;
  role: Role;
  name: string;
  /** Warehouse staff only: the one warehouse they work for (a token claim). */
  warehouseId?: string;
}

/** The demo's people, with the phones they sign in with (development and demos only). */
export interface SeededUser extends User {
  phone: string;
}

/** The demo's people; `buyer-<n>` ids are accepted on top of these in dev mode. */
export const SEEDED_USERS: SeededUser[] = [
  { id: 'leader-1', phone: '+8613800000001', role: 'leader', name: '王团长 (Leader Wang)' },
  { id: 'leader-2', phone: '+8613800000002', role: 'leader', name: '李团长 (Leader Li)' },
  { id: 'leader-3', phone: '+8613800000003', role: 'leader', name: '张团长 (Leader Zhang)' },
  { id: 'warehouse-1', phone: '+8613800000011', role: 'warehouse', name: '仓库小陈 (Warehouse Chen)', warehouseId: 'wh-1' },
  { id: 'warehouse-2', phone: '+8613800000012', role: 'warehouse', name: '仓库老周 (Warehouse Zhou)', warehouseId: 'wh-2' },
  { id: 'driver-1', phone: '+8613800000021', role: 'driver', name: '司机老刘 (Driver Liu)' },
  { id: 'driver-2', phone: '+8613800000022', role: 'driver', name: '司机小赵 (Driver Zhao)' },
  { id: 'admin-1', phone: '+8613800000099', role: 'admin', name: '运营 (Operator)' },
];

const BUYER_ID = /^buyer-[0-9]{1,9}$/;

export function devUser(id: string): User | undefined {
  const seeded = SEEDED_USERS.find((u) => u.id === id);
  if (seeded) return { id: seeded.id, role: seeded.role, name: seeded.name, ...(seeded.warehouseId ? { warehouseId: seeded.warehouseId } : {}) };
  if (BUYER_ID.test(id)) return { id, role: 'buyer', name: `买家 ${id.slice(6)}` };
  return undefined;
}
