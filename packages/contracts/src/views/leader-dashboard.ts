// The leader dashboard as `GET /api/v1/leaders/:leaderId/dashboard` returns it: the proto answer
// as generated (every field is meaningful, zeros included), and the periods it names.
import type { GetLeaderDashboardResponse } from '../gen/livecommerce/v1/leader_dashboard.js';

export type LeaderDashboardView = GetLeaderDashboardResponse;
export type { DailySales, DashboardPeriod, SkuSales, TierProgress, TierRequirement } from '../gen/livecommerce/v1/leader_dashboard.js';

export const DASHBOARD_PERIODS = ['today', 'week', 'month'] as const;
export type DashboardPeriodName = (typeof DASHBOARD_PERIODS)[number];
