/**
 * Group commit for the background sync: items added while flushes are running, or within the same turn of the event
 * loop, are handed to `flush` together, so many looks share one transaction (one commit, one fsync on SQLite) instead
 * of one each. At most `parallel` flushes run at a time (1 on SQLite, whose transactions run one at a time anyway;
 * more on PostgreSQL, where each takes its own pooled connection); what arrives meanwhile waits for the next, which
 * starts as soon as one ends. Each `add` resolves with its own item's result, or rejects with its own error.
 */
export class WriteBatcher<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private active = 0;
  private scheduled = false;

  /** `flush` answers one result per item, in order: a value, or an Error for that item alone. */
  constructor(
    private readonly flush: (items: T[]) => Promise<(R | Error)[]>,
    private readonly maxBatch: number,
    private readonly parallel = 1,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.scheduled || this.active >= this.parallel) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.start();
      });
    });
  }

  private start(): void {
    while (this.active < this.parallel && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.active++;
      void this.run(batch).finally(() => {
        this.active--;
        this.start();
      });
    }
  }

  private async run(batch: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[]): Promise<void> {
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
}
