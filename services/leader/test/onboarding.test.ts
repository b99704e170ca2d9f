// Leader onboarding (注册审核) against the real gateway, leader service, fulfillment, Postgres and
// NATS: a buyer signed in by phone applies, an admin approves (the pickup point opens in
// fulfillment, the leader is recorded, `leader.application.approved` is published and the gateway
// turns the phone into the leader's sign-in) or rejects with a reason; bad input, other roles,
// duplicates and second decisions are refused and change nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RpcClient } from '@lc/kit';
import { FulfillmentServiceClient, LeaderOnboardingServiceClient, LeaderServiceClient } from '@lc/contracts';
import { formProblems, reasonProblems } from '../src/domain/application.js';
import { Api, servedLeader } from '../../../test-support/api.js';
import { published } from '../../../test-support/events.js';
import { isolate } from '../../../test-support/isolation.js';
import { newPhone, phoneSignIn } from '../../../test-support/phone.js';
import { startCore } from '../../../test-support/platform.js';
import { poll } from '../../../test-support/poll.js';

const form = (over: Record<string, unknown> = {}) => ({
  name: '陈团长 Leader Chen',
  community: '翠苑一区 Cuiyuan No.1',
  address: '杭州市西湖区翠苑一区3幢底商 Shop 3, Cuiyuan No.1',
  lat: 30.2861,
  lng: 120.1187,
  zone: 'Asia/Shanghai',
  ...over,
});

describe('leader application rules', () => {
  const valid = { ...form(), phone: '+8613812345678' };

  it('application rules - a complete form passes; each missing or out-of-range field is named', () => {
    assert.deepEqual(formProblems(valid), []);
    const fields = (over: Record<string, unknown>) => formProblems({ ...valid, ...over }).map((p) => p.field);
    assert.deepEqual(fields({ name: ' ' }), ['name']);
    assert.deepEqual(fields({ name: 'x'.repeat(81) }), ['name']);
    assert.deepEqual(fields({ name: 'x'.repeat(80) }), []);
    assert.deepEqual(fields({ community: '' , address: '' }), ['community', 'address']);
    assert.deepEqual(fields({ phone: '13812345678' }), ['phone'], 'E.164 only inside the service');
    assert.deepEqual(fields({ phone: '+8612812345678' }), ['phone'], 'not a mobile prefix');
    assert.deepEqual(fields({ lat: 90.0001, lng: -180.5 }), ['lat', 'lng']);
    assert.deepEqual(fields({ lat: Number.NaN }), ['lat']);
    assert.deepEqual(fields({ zone: 'Asia/Nowhere' }), ['zone']);
    assert.deepEqual(fields({ zone: '' }), ['zone']);
  });

  it('application rules - a rejection needs a reason of at most 500 characters', () => {
    assert.deepEqual(reasonProblems('  \n '), [{ field: 'reason', problem: 'is required to reject an application' }]);
    assert.equal(reasonProblems('x'.repeat(501)).length, 1);
    assert.deepEqual(reasonProblems(' 太远 too far '), []);
  });
});

describe('leader onboarding', { timeout: 240_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  let admin: Api;
  let fulfillment: RpcClient<FulfillmentServiceClient>;
  let leaderRpc: RpcClient<LeaderServiceClient>;
  let onboardingRpc: RpcClient<LeaderOnboardingServiceClient>;

  before(async () => {
    core = await startCore(iso, {}, { leader: true });
    admin = await Api.login(core.url, 'admin-1');
    const staff = await Api.login(core.url, 'warehouse-1');
    const wh = await staff.post('/api/v1/warehouses', { id: 'wh-1', name: '杭州仓 Hangzhou DC', lat: 30.2741, lng: 120.1551, timeZone: 'Asia/Shanghai', driverIds: ['driver-1'], vehicles: [{ id: 'van-1', capacity: 50 }] });
    assert.equal(wh.status, 201, JSON.stringify(wh.body));
    fulfillment = new RpcClient(FulfillmentServiceClient, `127.0.0.1:${core.fulfillment!.runtime.grpcPort}`);
    leaderRpc = new RpcClient(LeaderServiceClient, `127.0.0.1:${core.leader!.runtime.grpcPort}`);
    onboardingRpc = new RpcClient(LeaderOnboardingServiceClient, `127.0.0.1:${core.leader!.runtime.grpcPort}`);
  });
  after(async () => {
    fulfillment?.close();
    leaderRpc?.close();
    onboardingRpc?.close();
    await core?.stop();
    await iso.cleanup();
  });

  const applications = async (status = '') => (await admin.get(`/api/v1/admin/leader-applications${status ? `?status=${status}` : ''}`)).body.applications as { id: string; status: string }[];

  it('onboarding - apply, approve: the pickup point is open in fulfillment, the leader is recorded and signs in by phone with role leader', async () => {
    const phone = newPhone();
    const buyer = await phoneSignIn(core.url, phone);
    assert.equal(buyer.user.role, 'buyer');
    const applied = await buyer.api.post('/api/v1/leader-applications', form());
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    const app = applied.body;
    assert.deepEqual(
      [app.status, app.phone, app.name, app.community, app.zone, app.submittedBy, app.decidedAt, app.leaderId],
      ['PENDING', `+86${phone}`, '陈团长 Leader Chen', '翠苑一区 Cuiyuan No.1', 'Asia/Shanghai', buyer.user.id, null, null],
    );
    const mine = await buyer.api.get('/api/v1/leader-applications');
    assert.deepEqual(mine.body.applications.map((a: { id: string }) => a.id), [app.id]);
    assert.ok((await applications('PENDING')).some((a) => a.id === app.id), 'in the admin queue');

    const approved = await admin.post(`/api/v1/admin/leader-applications/${app.id}/approve`, { warehouseId: 'wh-1', opensAt: '07:30', closesAt: '21:00' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const decided = approved.body;
    assert.equal(decided.status, 'APPROVED');
    assert.equal(decided.decidedBy, 'admin-1');
    assert.equal(decided.warehouseId, 'wh-1');
    assert.match(decided.leaderId, /^leader-/);
    assert.ok(decided.pickupPointId);

    // Fulfillment has the point, as the applicant described it, for the new leader.
    const { pickupPoint } = await fulfillment.call((c) => c.getLeaderPickupPoint, { leaderId: decided.leaderId });
    assert.deepEqual(
      [pickupPoint?.id, pickupPoint?.warehouseId, pickupPoint?.name, pickupPoint?.address, pickupPoint?.lat, pickupPoint?.lng, pickupPoint?.opensAt, pickupPoint?.closesAt],
      [decided.pickupPointId, 'wh-1', form().community, form().address, form().lat, form().lng, '07:30', '21:00'],
    );
    // The leader service knows the leader, in the zone they applied with.
    const { leader } = await leaderRpc.call((c) => c.getLeader, { actor: { userId: 'admin-1', role: 'admin', warehouseId: '' }, leaderId: decided.leaderId });
    assert.deepEqual([leader?.name, leader?.zone], [form().name, 'Asia/Shanghai']);
    // The event carries what the gateway and others need, once.
    const events = await poll('approval published', async () => {
      const got = await published(iso, 'LEADER', 'leader.application.approved');
      return got.length ? got : undefined;
    });
    assert.deepEqual(events, [
      { applicationId: app.id, leaderId: decided.leaderId, name: form().name, phone: `+86${phone}`, community: form().community, pickupPointId: decided.pickupPointId, warehouseId: 'wh-1', zone: 'Asia/Shanghai' },
    ]);

    // The gateway made the phone the leader's: signing in with it now signs in the leader.
    await poll('leader user', async () => ((await core.gateway.identity.userById(decided.leaderId))?.role === 'leader' ? true : undefined));
    const asLeader = await phoneSignIn(core.url, phone);
    assert.deepEqual([asLeader.user.id, asLeader.user.role], [decided.leaderId, 'leader']);
    const tier = await asLeader.api.get(`/api/v1/leaders/${decided.leaderId}/tier`);
    assert.equal(tier.status, 200, JSON.stringify(tier.body));

    // Decided once: approving or rejecting again is refused and changes nothing.
    const again = await admin.post(`/api/v1/admin/leader-applications/${app.id}/approve`, { warehouseId: 'wh-1' });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.match(again.body.message, /already approved/);
    assert.equal((await admin.post(`/api/v1/admin/leader-applications/${app.id}/reject`, { reason: '重复 duplicate' })).status, 409);
    // The phone belongs to a leader now: no second application with it, whether the gateway (the
    // phone signs in a leader) or the leader service (an approved application holds it) refuses.
    const dup = await admin.post('/api/v1/admin/leader-applications', { ...form(), phone });
    assert.equal(dup.status, 409, JSON.stringify(dup.body));
    assert.match(dup.body.message, /already the sign-in of a leader/);
    await assert.rejects(
      onboardingRpc.call((c) => c.submitLeaderApplication, { actor: { userId: 'admin-1', role: 'admin', warehouseId: '' }, form: { ...form(), phone: `+86${phone}` }, leaderId: '' }),
      (e: Error & { code?: string }) => e.code === 'CONFLICT' && /already belongs to an approved leader/.test(e.message),
    );
    assert.equal((await published(iso, 'LEADER', 'leader.application.approved')).length, 1);
  });

  it('onboarding - a duplicate pending application is refused; a rejection needs a reason, which the applicant sees, and they may apply again', async () => {
    const buyer = await phoneSignIn(core.url, newPhone());
    const first = await buyer.api.post('/api/v1/leader-applications', form({ community: '文一社区 Wenyi' }));
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const dup = await buyer.api.post('/api/v1/leader-applications', form({ community: '文二社区 Wener' }));
    assert.equal(dup.status, 409, JSON.stringify(dup.body));
    assert.match(dup.body.message, /already waiting for review/);

    const id = first.body.id as string;
    for (const body of [{}, { reason: '   ' }, { reason: 'x'.repeat(501) }]) {
      const r = await admin.post(`/api/v1/admin/leader-applications/${id}/reject`, body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.message, /reason/);
    }
    const rejected = await admin.post(`/api/v1/admin/leader-applications/${id}/reject`, { reason: '  自提点位置不在服务范围 outside our delivery area ' });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.deepEqual([rejected.body.status, rejected.body.reason, rejected.body.decidedBy, rejected.body.leaderId], ['REJECTED', '自提点位置不在服务范围 outside our delivery area', 'admin-1', null]);
    const seen = (await buyer.api.get('/api/v1/leader-applications')).body.applications;
    assert.deepEqual(seen.map((a: { status: string; reason: string }) => [a.status, a.reason]), [['REJECTED', '自提点位置不在服务范围 outside our delivery area']]);

    assert.equal((await admin.post(`/api/v1/admin/leader-applications/${id}/approve`, { warehouseId: 'wh-1' })).status, 409);
    assert.equal((await admin.post(`/api/v1/admin/leader-applications/${id}/reject`, { reason: 'again' })).status, 409);
    // Nothing opened for a rejected applicant.
    assert.equal((await fulfillment.call((c) => c.getLeaderPickupPoint, { leaderId: `leader-${id}` })).pickupPoint, undefined);

    const reapplied = await buyer.api.post('/api/v1/leader-applications', form({ community: '文三社区 Wensan' }));
    assert.equal(reapplied.status, 201, JSON.stringify(reapplied.body));
  });

  it('onboarding - bad input is refused with a 400 naming the field, and nothing is stored', async () => {
    const buyer = await phoneSignIn(core.url, newPhone());
    const before = (await applications()).length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [form({ name: '' }), /name is required/],
      [form({ name: undefined }), /name/],
      [form({ community: 'x'.repeat(201) }), /community must be at most 200/],
      [form({ address: '  ' }), /address is required/],
      [form({ lat: 91 }), /latitude/],
      [form({ lng: 'east' }), /longitude/],
      [form({ zone: 'Mars/Olympus' }), /IANA time zone/],
    ];
    for (const [body, message] of cases) {
      const r = await buyer.api.post('/api/v1/leader-applications', body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, message);
    }
    const badPhone = await admin.post('/api/v1/admin/leader-applications', { ...form(), phone: '12345' });
    assert.equal(badPhone.status, 400);
    assert.match(badPhone.body.message, /phone/);
    // A session without a proven phone (the development login) cannot apply.
    const noPhone = await (await Api.login(core.url, 'buyer-77')).post('/api/v1/leader-applications', form());
    assert.equal(noPhone.status, 403, JSON.stringify(noPhone.body));
    assert.match(noPhone.body.message, /sign in with your phone/);
    assert.equal((await applications()).length, before, 'nothing stored');

    const app = (await buyer.api.post('/api/v1/leader-applications', form())).body;
    const approve = (body: unknown, id = app.id) => admin.post(`/api/v1/admin/leader-applications/${id}/approve`, body);
    const refusals: [() => Promise<{ status: number; body: { message: string } }>, number, RegExp][] = [
      [() => approve({}), 400, /warehouseId/],
      [() => approve({ warehouseId: 'wh-1', opensAt: '25:00' }), 400, /opensAt must be a local time/],
      [() => approve({ warehouseId: 'wh-1' }, 'not-a-uuid'), 400, /application id must be a UUID/],
      [() => approve({ warehouseId: 'wh-1' }, '00000000-0000-4000-8000-000000000000'), 404, /no application/],
      // Fulfillment's refusals come through, and the application stays pending.
      [() => approve({ warehouseId: 'wh-nowhere' }), 404, /wh-nowhere/],
      [() => approve({ warehouseId: 'wh-1', opensAt: '20:00', closesAt: '08:00' }), 400, /closesAt: shift must end after it starts/],
      [() => admin.get('/api/v1/admin/leader-applications?status=MAYBE'), 400, /status must be PENDING, APPROVED or REJECTED/],
    ];
    for (const [call, status, message] of refusals) {
      const r = await call();
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.match(r.body.message, message);
    }
    const still = (await applications()).find((a) => a.id === app.id);
    assert.equal(still?.status, 'PENDING');
    assert.equal((await fulfillment.call((c) => c.getLeaderPickupPoint, { leaderId: `leader-${app.id}` })).pickupPoint, undefined);
  });

  it('onboarding - only admins list and decide; leaders and staff do not apply; a buyer sees only their own', async () => {
    const buyer = await phoneSignIn(core.url, newPhone());
    const other = await phoneSignIn(core.url, newPhone());
    const app = (await buyer.api.post('/api/v1/leader-applications', form())).body;
    const leader = await Api.login(core.url, 'leader-1');
    const staff = await Api.login(core.url, 'warehouse-1');
    for (const who of [buyer.api, leader, staff]) {
      assert.equal((await who.post(`/api/v1/admin/leader-applications/${app.id}/approve`, { warehouseId: 'wh-1' })).status, 403);
      assert.equal((await who.post(`/api/v1/admin/leader-applications/${app.id}/reject`, { reason: 'no' })).status, 403);
      assert.equal((await who.get('/api/v1/admin/leader-applications')).status, 403);
    }
    assert.equal((await new Api(core.url).post(`/api/v1/admin/leader-applications/${app.id}/approve`, { warehouseId: 'wh-1' })).status, 401);
    assert.equal((await new Api(core.url).post('/api/v1/leader-applications', form())).status, 401);
    assert.equal((await leader.post('/api/v1/leader-applications', form())).status, 403);
    assert.equal((await staff.post('/api/v1/leader-applications', form())).status, 403);
    assert.deepEqual((await other.api.get('/api/v1/leader-applications')).body.applications, [], 'another buyer sees none of it');
    // The leader service refuses too, whoever reaches it.
    await assert.rejects(
      onboardingRpc.call((c) => c.approveLeaderApplication, { actor: { userId: buyer.user.id, role: 'buyer', warehouseId: '' }, applicationId: app.id, warehouseId: 'wh-1', opensAt: '', closesAt: '' }),
      (e: Error & { code?: string }) => e.code === 'FORBIDDEN',
    );
    await assert.rejects(
      onboardingRpc.call((c) => c.submitLeaderApplication, { actor: { userId: buyer.user.id, role: 'buyer', warehouseId: '' }, form: { ...form(), phone: '+8613700000000' }, leaderId: 'leader-1' }),
      (e: Error & { code?: string }) => e.code === 'FORBIDDEN',
    );
    assert.equal((await applications()).find((a) => a.id === app.id)?.status, 'PENDING');
  });

  it('onboarding - two admins approving at once: one approval, one 409, one pickup point, one event', async () => {
    const buyer = await phoneSignIn(core.url, newPhone());
    const app = (await buyer.api.post('/api/v1/leader-applications', form({ community: '古荡 Gudang' }))).body;
    const eventsBefore = (await published(iso, 'LEADER', 'leader.application.approved')).length;
    const results = await Promise.all([0, 1].map(() => admin.post(`/api/v1/admin/leader-applications/${app.id}/approve`, { warehouseId: 'wh-1' })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409], JSON.stringify(results.map((r) => r.body)));
    const ok = results.find((r) => r.status === 200)!.body;
    const { pickupPoint } = await fulfillment.call((c) => c.getLeaderPickupPoint, { leaderId: ok.leaderId });
    assert.equal(pickupPoint?.id, ok.pickupPointId);
    await poll('approval published', async () => ((await published(iso, 'LEADER', 'leader.application.approved')).length > eventsBefore ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await published(iso, 'LEADER', 'leader.application.approved')).length, eventsBefore + 1);
  });

  it('onboarding - a leader who predates onboarding (the seeded demo leaders) keeps their id and pickup point when approved', async () => {
    await servedLeader(core.url, 'leader-2');
    const entered = await admin.post('/api/v1/admin/leader-applications', { ...form({ name: '李团长 (Leader Li)' }), phone: '13800000002', leaderId: 'leader-2' });
    assert.equal(entered.status, 201, JSON.stringify(entered.body));
    assert.equal(entered.body.submittedBy, 'admin-1');
    const approved = await admin.post(`/api/v1/admin/leader-applications/${entered.body.id}/approve`, { warehouseId: 'wh-1' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.deepEqual([approved.body.leaderId, approved.body.pickupPointId, approved.body.warehouseId], ['leader-2', 'pp-leader-2', 'wh-1']);
    await poll('leader-2 keeps their point', async () => ((await core.gateway.identity.userById('leader-2'))?.pickupPointId === 'pp-leader-2' ? true : undefined));
    const signedIn = await phoneSignIn(core.url, '13800000002');
    assert.deepEqual([signedIn.user.id, signedIn.user.role], ['leader-2', 'leader']);
    // Entering them again is refused.
    assert.equal((await admin.post('/api/v1/admin/leader-applications', { ...form(), phone: '13800000002', leaderId: 'leader-2' })).status, 409);
    // A phone that signs in staff or another leader is not handed to a new leader.
    for (const [phone, holder] of [['13800000011', 'warehouse'], ['13800000003', 'leader']]) {
      const r = await admin.post('/api/v1/admin/leader-applications', { ...form(), phone });
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.match(r.body.message, new RegExp(`already the sign-in of a ${holder}`));
    }
  });
});
