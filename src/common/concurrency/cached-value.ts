/**
 * A value read from the database on demand and trusted for `windowMs` afterwards: how long a change made on another
 * instance may go unseen here. Concurrent reads while it is stale share one load. `clear()` (a change made on this
 * instance) forgets it at once, and a load that was already under way is then not kept, so it cannot bring back what
 * was read before the change.
 */
export class CachedValue<T> {
  private value?: { data: T; until: number };
  private loading?: Promise<T>;
  private generation = 0;

  constructor(
    private readonly windowMs: number,
    private readonly load: () => Promise<T>,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    const cached = this.value;
    if (cached && cached.until > this.now()) return Promise.resolve(cached.data);
    if (this.loading) return this.loading;
    const generation = this.generation;
    const started = this.now();
    const loading = this.load().then(
      (data) => {
        if (generation === this.generation) this.value = { data, until: started + this.windowMs };
        if (this.loading === loading) this.loading = undefined;
        return data;
      },
      (err: unknown) => {
        if (this.loading === loading) this.loading = undefined;
        throw err;
      },
    );
    this.loading = loading;
    return loading;
  }

  clear(): void {
    this.generation++;
    this.value = undefined;
    this.loading = undefined;
  }
}
