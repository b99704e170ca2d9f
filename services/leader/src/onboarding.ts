// Leader onboarding (注册审核): applications submitted by would-be leaders (or entered for them by
// an admin), and the admin's one decision on each. Approval opens the leader's pickup point in
// fulfillment, records the leader, and publishes `leader.application.approved` (the gateway makes
// the leader's sign-in from it) in one transaction with the decision.
import { randomUUID } from 'node:crypto';
import { DomainError, enqueueEvent, inTransaction, type Pool, type PoolClient } from '@lc/kit';
import type { Actor, LeaderApplicationApproved } from '@lc/contracts';
import { isUniqueViolation, type ApplicationRow, type ApplicationStore } from './adapters/application-store.js';
import type { LeaderStore } from './adapters/leader-store.js';
import type { PickupPointOpener } from './adapters/pickup-points.js';
import { formProblems, reasonProblems, type ApplicationForm, type ApplicationStatus, type FieldProblem } from './domain/application.js';
import type { Clock } from './domain/clock.js';
import { LEADER_APPLICATION_APPROVED } from './events.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const LOCAL_TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const STATUSES: readonly ApplicationStatus[] = ['PENDING', 'APPROVED', 'REJECTED'];

function refuse(problems: FieldProblem[]): void {
  if (!problems.length) return;
  const first = problems[0]!;
  throw new DomainError('INVALID_ARGUMENT', `${first.field}: ${first.problem}`, { fields: problems });
}

function signedIn(actor: Actor | undefined): Actor {
  if (!actor?.userId || !actor.role) throw new DomainError('UNAUTHENTICATED', 'actor is required');
  return actor;
}

function admin(actor: Actor | undefined): Actor {
  const a = signedIn(actor);
  if (a.role !== 'admin') throw new DomainError('FORBIDDEN', 'only an admin decides leader applications');
  return a;
}

export interface Approval {
  warehouseId: string;
  /** Receiving hours of the new point, local HH:MM in the warehouse's zone. */
  opensAt: string;
  closesAt: string;
}

export class Onboarding {
  constructor(
    private readonly pool: Pool,
    private readonly store: ApplicationStore,
    private readonly leaders: LeaderStore,
    private readonly pickupPoints: PickupPointOpener,
    private readonly clock: Clock,
  ) {}

  /**
   * A buyer applies for themself (the gateway vouches for the phone: the one they signed in
   * with); an admin enters an application for someone, naming `leaderId` for a leader who
   * predates onboarding. Staff and leaders do not apply.
   */
  async submit(actor: Actor | undefined, form: ApplicationForm, leaderId = ''): Promise<ApplicationRow> {
    const a = signedIn(actor);
    if (a.role !== 'buyer' && a.role !== 'admin') throw new DomainError('FORBIDDEN', `a ${a.role} may not apply to be a leader`);
    if (leaderId && a.role !== 'admin') throw new DomainError('FORBIDDEN', 'leaderId: only an admin names an existing leader');
    const clean = { ...form, name: form.name.trim(), community: form.community.trim(), address: form.address.trim() };
    const problems = formProblems(clean);
    if (leaderId && !ID.test(leaderId)) problems.push({ field: 'leaderId', problem: 'must be 1-64 letters, digits, _ or -' });
    refuse(problems);
    const id = randomUUID();
    try {
      await this.store.insert({ id, form: clean, submittedBy: a.userId, submittedAtMs: this.clock.now(), leaderId: leaderId || null });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const open = await this.store.openHolding(clean.phone, leaderId || null);
      const problem = !open || open.form.phone !== clean.phone
        ? `leaderId: leader ${leaderId} already has an open application`
        : open.status === 'APPROVED' ? 'phone: this phone already belongs to an approved leader' : 'phone: an application with this phone is already waiting for review';
      throw new DomainError('CONFLICT', problem, open ? { applicationId: open.id, status: open.status } : undefined);
    }
    return (await this.store.byId(id))!;
  }

  /** An admin lists any applications; anyone else those they submitted. */
  async list(actor: Actor | undefined, status: string, limit: number): Promise<ApplicationRow[]> {
    const a = signedIn(actor);
    if (status && !STATUSES.includes(status as ApplicationStatus)) refuse([{ field: 'status', problem: 'must be PENDING, APPROVED or REJECTED' }]);
    return this.store.list({
      ...(status ? { status: status as ApplicationStatus } : {}),
      ...(a.role === 'admin' ? {} : { submittedBy: a.userId }),
      limit: limit > 0 ? Math.min(limit, 200) : 50,
    });
  }

  async approve(actor: Actor | undefined, applicationId: string, approval: Approval): Promise<ApplicationRow> {
    const decider = admin(actor);
    const opensAt = approval.opensAt || '08:00';
    const closesAt = approval.closesAt || '20:00';
    const problems: FieldProblem[] = [];
    if (!ID.test(approval.warehouseId)) problems.push({ field: 'warehouseId', problem: 'is required: the warehouse that will serve the pickup point' });
    for (const [field, value] of [['opensAt', opensAt], ['closesAt', closesAt]] as const) {
      if (!LOCAL_TIME.test(value)) problems.push({ field, problem: `must be a local time HH:MM, got ${JSON.stringify(value)}` });
    }
    refuse(problems);
    // The row stays locked while fulfillment opens the point, so a concurrent approval or
    // rejection waits and then finds the application decided; if opening fails, nothing changed.
    return this.decideLocked(applicationId, async (app, tx) => {
      const nowMs = this.clock.now();
      // Derived from the application, so a retry after a crash finds the point it opened.
      const leaderId = app.leaderId ?? `leader-${app.id}`;
      const point = await this.pickupPoints.open(
        {
          id: `pp-${app.id}`,
          leaderId,
          warehouseId: approval.warehouseId,
          name: app.form.community,
          address: app.form.address,
          lat: app.form.lat,
          lng: app.form.lng,
          opensAt,
          closesAt,
          serviceMinutes: 10,
          dailyCapacity: 0,
        },
        decider.userId,
      );
      await this.store.approve(app.id, { decidedBy: decider.userId, decidedAtMs: nowMs, leaderId, pickupPointId: point.id, warehouseId: point.warehouseId }, tx);
      await this.leaders.upsert({ id: leaderId, name: app.form.name, zone: app.form.zone, joinedAtMs: nowMs }, tx);
      const event: LeaderApplicationApproved = {
        applicationId: app.id,
        leaderId,
        name: app.form.name,
        phone: app.form.phone,
        community: app.form.community,
        pickupPointId: point.id,
        warehouseId: point.warehouseId,
        zone: app.form.zone,
      };
      await enqueueEvent(tx, LEADER_APPLICATION_APPROVED, event, `${LEADER_APPLICATION_APPROVED}:${app.id}`);
    });
  }

  async reject(actor: Actor | undefined, applicationId: string, reason: string): Promise<ApplicationRow> {
    const decider = admin(actor);
    refuse(reasonProblems(reason));
    return this.decideLocked(applicationId, async (app, tx) => {
      await this.store.reject(app.id, { decidedBy: decider.userId, decidedAtMs: this.clock.now(), reason: reason.trim() }, tx);
    });
  }

  /** Runs `decide` on a pending application under its row lock; a decided one is refused (409). */
  private async decideLocked(applicationId: string, decide: (app: ApplicationRow, tx: PoolClient) => Promise<void>): Promise<ApplicationRow> {
    if (!UUID.test(applicationId)) refuse([{ field: 'applicationId', problem: 'must be a UUID' }]);
    return inTransaction(this.pool, async (tx) => {
      const app = await this.store.byId(applicationId, tx, true);
      if (!app) throw new DomainError('NOT_FOUND', `applicationId: no application ${applicationId}`);
      if (app.status !== 'PENDING') throw new DomainError('CONFLICT', `application ${applicationId} was already ${app.status.toLowerCase()}`, { status: app.status });
      await decide(app, tx);
      return (await this.store.byId(applicationId, tx))!;
    });
  }
}
