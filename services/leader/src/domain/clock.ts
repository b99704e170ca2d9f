// The time the jobs and requests act at: the system clock in service, a hand-moved one in tests
// that walk a month in minutes.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
