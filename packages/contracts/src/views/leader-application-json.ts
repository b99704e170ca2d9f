// A leader application as the public JSON shape (ISO times, nulls for what is not decided yet),
// from the proto message.
import type { LeaderApplication } from '../gen/livecommerce/v1/leader_onboarding.js';
import type { LeaderApplicationStatus, LeaderApplicationView } from './leader-application.js';

const orNull = (s: string) => s || null;

export function leaderApplicationJson(a: LeaderApplication): LeaderApplicationView {
  const f = a.form!;
  return {
    id: a.id,
    status: a.status as LeaderApplicationStatus,
    name: f.name,
    phone: f.phone,
    community: f.community,
    address: f.address,
    lat: f.lat,
    lng: f.lng,
    zone: f.zone,
    submittedBy: a.submittedBy,
    submittedAt: new Date(a.submittedAtMs).toISOString(),
    decidedBy: orNull(a.decidedBy),
    decidedAt: a.decidedAtMs ? new Date(a.decidedAtMs).toISOString() : null,
    reason: orNull(a.reason),
    leaderId: orNull(a.leaderId),
    pickupPointId: orNull(a.pickupPointId),
    warehouseId: orNull(a.warehouseId),
  };
}
