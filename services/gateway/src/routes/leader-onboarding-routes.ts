// Leader onboarding (注册审核): a signed-in buyer applies to be a leader with the phone they signed
// in with (so nobody applies with someone else's number), and sees their applications; admins list
// the queue, enter an application for someone, and approve (naming the warehouse that will serve
// the new pickup point) or reject with a reason. The leader service decides who may do what again.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, type RpcClient } from '@lc/kit';
import { leaderApplicationJson, type LeaderApplication, type LeaderApplicationView, type LeaderOnboardingServiceClient } from '@lc/contracts';
import { LEADER_APPLICATION_LIMITS as LIMITS, localTime, requiredText, timeZone } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import type { IdentityStore } from '../adapters/identity-store.js';
import { phone } from './auth-routes.js';
import { actorOf } from './ownership.js';
import { registerRoutes } from './route-table.js';
import { id, lat, lng, parse, uuid } from './validation.js';

const form = z.object({
  name: requiredText('name', LIMITS.name),
  community: requiredText('community', LIMITS.community),
  address: requiredText('address', LIMITS.address),
  lat,
  lng,
  zone: timeZone,
});
const adminForm = form.extend({ phone, leaderId: id('leaderId').regex(/^[A-Za-z0-9_-]{1,64}$/, 'leaderId must be 1-64 letters, digits, _ or -').optional() });
const listQuery = z.object({
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED'], { error: 'status must be PENDING, APPROVED or REJECTED' }).optional(),
  limit: z.coerce.number({ error: 'limit must be an integer' }).int('limit must be an integer').min(1).max(200).default(50),
});
const applicationParams = z.object({ id: uuid('application id') });
const approveBody = z.object({
  warehouseId: id('warehouseId'),
  opensAt: localTime('opensAt').default('08:00'),
  closesAt: localTime('closesAt').default('20:00'),
});
const rejectBody = z.object({ reason: requiredText('reason', LIMITS.reason) });

const view = (a: LeaderApplication | undefined): LeaderApplicationView => leaderApplicationJson(a!);

export function leaderOnboardingRoutes(app: FastifyInstance, deps: { auth: Auth; leader: RpcClient<LeaderOnboardingServiceClient>; store: IdentityStore }) {
  const { leader, store } = deps;

  async function applyHandler(request: FastifyRequest, reply: FastifyReply) {
    const user = currentUser(request);
    const body = parse(form, request.body);
    // The application's phone is the one this buyer proved they hold by signing in with it.
    const signedInPhone = (await store.userById(user.id))?.phone;
    if (!signedInPhone) throw new DomainError('FORBIDDEN', 'phone: sign in with your phone number to apply (the leader signs in with it)');
    const { application } = await leader.call((c) => c.submitLeaderApplication, { actor: actorOf(user), form: { ...body, phone: signedInPhone }, leaderId: '' });
    return reply.code(201).send(view(application));
  }

  async function myApplicationsHandler(request: FastifyRequest) {
    const { applications } = await leader.call((c) => c.listLeaderApplications, { actor: actorOf(currentUser(request)), status: '', limit: 20 }, { idempotent: true });
    return { applications: applications.map((a) => view(a)) };
  }

  async function listApplicationsHandler(request: FastifyRequest) {
    const q = parse(listQuery, request.query);
    const { applications } = await leader.call((c) => c.listLeaderApplications, { actor: actorOf(currentUser(request)), status: q.status ?? '', limit: q.limit }, { idempotent: true });
    return { applications: applications.map((a) => view(a)) };
  }

  async function enterApplicationHandler(request: FastifyRequest, reply: FastifyReply) {
    const { leaderId, ...body } = parse(adminForm, request.body);
    // The approval would hand the phone to the leader: staff, or another leader, keep theirs.
    const holder = await store.userByPhone(body.phone);
    if (holder && holder.role !== 'buyer' && !(holder.role === 'leader' && holder.id === leaderId)) {
      throw new DomainError('CONFLICT', `phone: already the sign-in of a ${holder.role} (${holder.id})`);
    }
    const { application } = await leader.call((c) => c.submitLeaderApplication, { actor: actorOf(currentUser(request)), form: body, leaderId: leaderId ?? '' });
    return reply.code(201).send(view(application));
  }

  async function approveApplicationHandler(request: FastifyRequest) {
    const { id: applicationId } = parse(applicationParams, request.params);
    const body = parse(approveBody, request.body);
    const { application } = await leader.call((c) => c.approveLeaderApplication, { actor: actorOf(currentUser(request)), applicationId, ...body });
    return view(application);
  }

  async function rejectApplicationHandler(request: FastifyRequest) {
    const { id: applicationId } = parse(applicationParams, request.params);
    const { reason } = parse(rejectBody, request.body);
    const { application } = await leader.call((c) => c.rejectLeaderApplication, { actor: actorOf(currentUser(request)), applicationId, reason });
    return view(application);
  }

  registerRoutes(app, deps.auth, [
    { method: 'POST', url: '/api/v1/leader-applications', roles: ['buyer'], handler: applyHandler },
    { method: 'GET', url: '/api/v1/leader-applications', roles: ['buyer'], handler: myApplicationsHandler },
    { method: 'GET', url: '/api/v1/admin/leader-applications', roles: ['admin'], handler: listApplicationsHandler },
    { method: 'POST', url: '/api/v1/admin/leader-applications', roles: ['admin'], handler: enterApplicationHandler },
    { method: 'POST', url: '/api/v1/admin/leader-applications/:id/approve', roles: ['admin'], handler: approveApplicationHandler },
    { method: 'POST', url: '/api/v1/admin/leader-applications/:id/reject', roles: ['admin'], handler: rejectApplicationHandler },
  ]);
}
