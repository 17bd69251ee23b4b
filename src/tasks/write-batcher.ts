/**
 * Group commit for the background sync: items added while a flush is running, or within the same turn of the
 * event loop, are handed to `flush` together, so many looks share one transaction (one commit, one fsync on SQLite)
 * instead of one each. At most one flush runs at a time; what arrives meanwhile waits for the next, which starts as
 * soon as the current one ends. Each `add` resolves with its own item's result, or rejects with its own error.
 */
export class WriteBatcher<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  /** `flush` answers one result per item, in order: a value, or an Error for that item alone. */
  constructor(
    private readonly flush: (items: T[]) => Promise<(R | Error)[]>,
    private readonly maxBatch: number,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.running) return;
      this.running = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const results = await this.flush(batch.map((b) => b.item));
        batch.forEach((b, i) => {
          const r = results[i];
          if (r instanceof Error) b.reject(r);
          else b.resolve(r);
        });
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.running = false;
  }
}
