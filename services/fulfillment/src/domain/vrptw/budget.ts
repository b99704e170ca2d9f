// Stop rules and progress fraction of one search phase. With maxIterations the phase is
// measured in iterations only, so the run is reproducible; the clock stays a hard cap.

export class Phase {
  constructor(
    private readonly counter: { iterations: number },
    private readonly startTime: number,
    private readonly endTime: number,
    private readonly startIteration: number,
    private readonly endIteration: number,
    private readonly byIterations: boolean,
    /** Asked from outside to finish now (e.g. the request was cancelled): the phase ends at once. */
    private readonly stopRequested: () => boolean = () => false,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  done(): boolean {
    return this.counter.iterations >= this.endIteration || this.clock() >= this.endTime || this.stopRequested();
  }

  /** 0 at the start of the phase, 1 at its end. */
  fraction(): number {
    const f = this.byIterations
      ? (this.counter.iterations - this.startIteration) / Math.max(1, this.endIteration - this.startIteration)
      : (this.clock() - this.startTime) / Math.max(1, this.endTime - this.startTime);
    return f < 0 ? 0 : f > 1 ? 1 : f;
  }
}
