// LeaderOnboardingService gRPC handlers: thin calls into onboarding, which checks who asks.
import { unaryService, type Logger } from '@lc/kit';
import type { LeaderApplication, LeaderApplicationForm, LeaderOnboardingServiceServer } from '@lc/contracts';
import type { ApplicationRow } from '../adapters/application-store.js';
import type { Onboarding } from '../onboarding.js';

const noForm: LeaderApplicationForm = { name: '', phone: '', community: '', address: '', lat: Number.NaN, lng: Number.NaN, zone: '' };

export const toApplication = (a: ApplicationRow): LeaderApplication => ({
  id: a.id,
  status: a.status,
  form: a.form,
  submittedBy: a.submittedBy,
  submittedAtMs: a.submittedAtMs,
  decidedBy: a.decidedBy ?? '',
  decidedAtMs: a.decidedAtMs ?? 0,
  reason: a.reason,
  leaderId: a.leaderId ?? '',
  pickupPointId: a.pickupPointId ?? '',
  warehouseId: a.warehouseId ?? '',
});

export function onboardingRpc(onboarding: Onboarding, logger: Logger): LeaderOnboardingServiceServer {
  return unaryService<LeaderOnboardingServiceServer>(
    {
      async submitLeaderApplication(req) {
        return { application: toApplication(await onboarding.submit(req.actor, req.form ?? noForm, req.leaderId)) };
      },
      async listLeaderApplications(req) {
        return { applications: (await onboarding.list(req.actor, req.status, req.limit)).map(toApplication) };
      },
      async approveLeaderApplication(req) {
        const application = await onboarding.approve(req.actor, req.applicationId, { warehouseId: req.warehouseId, opensAt: req.opensAt, closesAt: req.closesAt });
        return { application: toApplication(application) };
      },
      async rejectLeaderApplication(req) {
        return { application: toApplication(await onboarding.reject(req.actor, req.applicationId, req.reason)) };
      },
    },
    logger,
  );
}
