// Leader applications as values: what a valid application form is, and a valid rejection reason.
// Pure: no I/O. The limits are the ones the gateway's REST schema states (@lc/contracts rules).
import { LEADER_APPLICATION_LIMITS, isTimeZone } from '@lc/contracts';

export type ApplicationStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface ApplicationForm {
  name: string;
  phone: string;
  community: string;
  address: string;
  lat: number;
  lng: number;
  zone: string;
}

export interface FieldProblem {
  field: string;
  problem: string;
}

const E164_CN_MOBILE = /^\+861[3-9][0-9]{9}$/;

function textProblem(field: keyof typeof LEADER_APPLICATION_LIMITS, value: string): FieldProblem[] {
  if (!value.trim()) return [{ field, problem: 'is required' }];
  if (value.length > LEADER_APPLICATION_LIMITS[field]) return [{ field, problem: `must be at most ${LEADER_APPLICATION_LIMITS[field]} characters` }];
  return [];
}

/** Every problem of a form (empty when it may be submitted). */
export function formProblems(f: ApplicationForm): FieldProblem[] {
  const p: FieldProblem[] = [...textProblem('name', f.name), ...textProblem('community', f.community), ...textProblem('address', f.address)];
  if (!E164_CN_MOBILE.test(f.phone)) p.push({ field: 'phone', problem: 'must be a mainland China mobile number in E.164 (+861xxxxxxxxxx)' });
  if (!Number.isFinite(f.lat) || f.lat < -90 || f.lat > 90) p.push({ field: 'lat', problem: 'must be a latitude between -90 and 90' });
  if (!Number.isFinite(f.lng) || f.lng < -180 || f.lng > 180) p.push({ field: 'lng', problem: 'must be a longitude between -180 and 180' });
  if (!isTimeZone(f.zone)) p.push({ field: 'zone', problem: `must be an IANA time zone such as Asia/Shanghai, got ${JSON.stringify(f.zone)}` });
  return p;
}

/** Why a rejection may not be recorded with this reason (empty when it may). */
export function reasonProblems(reason: string): FieldProblem[] {
  const r = reason.trim();
  if (!r) return [{ field: 'reason', problem: 'is required to reject an application' }];
  if (r.length > LEADER_APPLICATION_LIMITS.reason) return [{ field: 'reason', problem: `must be at most ${LEADER_APPLICATION_LIMITS.reason} characters` }];
  return [];
}
