// A leader application (注册审核) as REST answers it: GET/POST /api/v1/leader-applications (the
// applicant's own) and /api/v1/admin/leader-applications (the admin's queue and decisions).

export type LeaderApplicationStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface LeaderApplicationView {
  id: string;
  status: LeaderApplicationStatus;
  name: string;
  /** E.164, the phone the leader signs in with. */
  phone: string;
  community: string;
  address: string;
  lat: number;
  lng: number;
  /** IANA zone of the leader's business dates. */
  zone: string;
  submittedBy: string;
  submittedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  /** Why it was rejected; null otherwise. */
  reason: string | null;
  /** Approved: the leader, their pickup point and its warehouse; null before. */
  leaderId: string | null;
  pickupPointId: string | null;
  warehouseId: string | null;
}
