// The ledger's accounts. Money moves platform -> pending (paid) -> confirmed (picked up) ->
// available (settled on T+1) -> withdrawing -> paid out; clawbacks move it back to the platform.
// A balance is credits minus debits, so every account's balance sums to zero with the others.

export const PLATFORM_COMMISSION = 'platform:commission';
export const PLATFORM_PAYOUTS = 'platform:payouts';

export type LeaderAccount = 'pending' | 'confirmed' | 'available' | 'withdrawing';
export const LEADER_ACCOUNTS: readonly LeaderAccount[] = ['pending', 'confirmed', 'available', 'withdrawing'];

export const leaderAccount = (leaderId: string, account: LeaderAccount) => `leader:${leaderId}:${account}`;

export type EntryKind = 'ACCRUE' | 'CONFIRM' | 'CLAWBACK' | 'SETTLE' | 'WITHDRAW_HOLD' | 'PAYOUT' | 'PAYOUT_RETURN';
