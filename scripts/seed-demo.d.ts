// Types for seed-demo.js, for the TypeScript callers (test/seed-demo.test.ts).

/**
 * Seeds the demo through the public API at `base` (and the live room at `liveRoomUrl`), skipping
 * what exists. Resolves to the demo's live session and its open group buy ('' when there is none).
 */
export function seedDemo(
  base: string,
  liveRoomUrl: string,
  log?: (message: string) => void,
): Promise<{ sessionId: string; groupBuyId: string }>;
