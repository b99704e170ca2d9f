// A tiny promise queue: runs async tasks one at a time, in submission order.
// Used per room so concurrent joins see each other's router choice and consumer counts.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // A failed task must not poison the tasks queued after it.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
