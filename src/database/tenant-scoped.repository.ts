import { EntityManager, FindManyOptions, FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';
import { RowReader } from './row-reader';
import { insertRow, insertRowWhere, RowChange, updateRows, updateWhere } from './row-writer';
import { UnitOfWork } from './unit-of-work';
import type { TenantId } from '../common/tenant-identity/tenant-id';

/** Refuses an empty tenant id: TypeORM silently drops `undefined` from a `where`, which would read all tenants. */
export function assertTenantId(tenantId: unknown): asserts tenantId is TenantId {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new Error('tenant-scoped query without a tenant id');
  }
}

/**
 * Refuses a `tenant_id` the caller put in a `where` or a patch: the scope is the tenant id argument alone.
 * Overwriting it would hide a caller's mistake (another tenant's id, or an `undefined` meant as "all").
 */
export function assertNoTenantIdIn(clause: object | undefined, what: 'where' | 'patch'): void {
  if (clause && Object.prototype.hasOwnProperty.call(clause, 'tenantId')) {
    throw new Error(`tenant-scoped ${what} must not name tenantId; pass the tenant id as the first argument`);
  }
}

/** A `where` of a tenant-owned row without its tenant: the repository adds that. */
export type ScopedWhere<T> = Omit<FindOptionsWhere<T>, 'tenantId'>;

/**
 * Base of every repository of tenant-owned rows: each method takes the tenant id first, filters by it,
 * and stamps it on insert. Subclasses add queries named for intent. Reads over several tenants live in
 * the `*-cross-tenant.reader.ts` classes, never here.
 */
export abstract class TenantScopedRepository<T extends ObjectLiteral & { tenantId: TenantId }> {
  private readonly rows: RowReader<T>;

  protected constructor(protected readonly repo: Repository<T>) {
    this.rows = new RowReader(repo);
  }

  /** The same repository working inside the caller's transaction. */
  using(manager: EntityManager): this {
    const bound = Object.create(this) as this;
    (bound as unknown as { repo: Repository<T> }).repo = manager.getRepository<T>(this.repo.target);
    return bound;
  }

  protected scoped(tenantId: TenantId, where: ScopedWhere<T> = {} as ScopedWhere<T>): FindOptionsWhere<T> {
    assertTenantId(tenantId);
    assertNoTenantIdIn(where, 'where');
    return { ...where, tenantId };
  }

  async findOne(tenantId: TenantId, where: ScopedWhere<T>): Promise<T | null> {
    return this.repo.findOne({ where: this.scoped(tenantId, where) });
  }

  /**
   * One of the tenant's rows by a hand-written SQL condition (`?` placeholders), without TypeORM's query building:
   * for reads on a hot path (RowReader).
   */
  protected async findOneWhere(tenantId: TenantId, condition: string, params: readonly unknown[]): Promise<T | null> {
    assertTenantId(tenantId);
    return this.rows.first(`tenant_id = ? AND (${condition})`, [tenantId, ...params], this.repo);
  }

  async findAndCount(tenantId: TenantId, where: ScopedWhere<T>, options: Omit<FindManyOptions<T>, 'where'> = {}): Promise<[T[], number]> {
    return this.repo.findAndCount({ ...options, where: this.scoped(tenantId, where) });
  }

  async insert(tenantId: TenantId, row: Omit<T, 'tenantId'>): Promise<T> {
    assertTenantId(tenantId);
    assertNoTenantIdIn(row, 'patch');
    const entity = this.repo.create({ ...row, tenantId } as unknown as T);
    await this.write(() => insertRow(this.repo.manager, this.repo, entity));
    return entity;
  }

  /**
   * Inserts a row for the tenant only where a hand-written SQL `condition` (`?` placeholders) holds, checked in the
   * same statement: the row, or null when it did not hold.
   */
  protected async insertWhere(tenantId: TenantId, row: Omit<T, 'tenantId'>, condition: string, params: readonly unknown[]): Promise<T | null> {
    assertTenantId(tenantId);
    assertNoTenantIdIn(row, 'patch');
    const entity = this.repo.create({ ...row, tenantId } as unknown as T);
    return (await this.write(() => insertRowWhere(this.repo.manager, this.repo, entity, condition, params))) ? entity : null;
  }

  /**
   * Sets `patch` on the tenant's rows where a hand-written SQL `condition` (`?` placeholders) holds, in one statement
   * without TypeORM's query building (for writes on a hot path). Resolves with how many rows changed.
   */
  protected async updateWhere(tenantId: TenantId, patch: Omit<Partial<T>, 'tenantId'>, condition: string, params: readonly unknown[]): Promise<number> {
    assertTenantId(tenantId);
    assertNoTenantIdIn(patch, 'patch');
    const ids = await this.write(() =>
      updateWhere(this.repo.manager, this.repo, patch as Partial<T>, `tenant_id = ? AND (${condition})`, [tenantId, ...params]),
    );
    return ids.length;
  }

  async update(tenantId: TenantId, where: ScopedWhere<T>, patch: Omit<Partial<T>, 'tenantId'>): Promise<number> {
    assertNoTenantIdIn(patch, 'patch');
    const result = await this.write(() => this.repo.update(this.scoped(tenantId, where), patch as never));
    return result.affected ?? 0;
  }

  /**
   * Many of the tenants' rows, each changed by its own patch where `condition` also holds, in a few statements (RowWriter):
   * for batches on a hot path. Resolves with the ids of the rows that changed.
   */
  protected async updateEach(changes: readonly RowChange<T>[], condition?: string): Promise<Set<string>> {
    for (const change of changes) {
      assertTenantId(change.tenantId);
      assertNoTenantIdIn(change.patch, 'patch');
    }
    if (changes.length === 0) return new Set();
    return this.write(() => updateRows(this.repo.manager, this.repo, changes, condition));
  }

  /** Writes wait for open transactions on SQLite's shared connection (see UnitOfWork). */
  /** The exact sum of an integer column (stored as text or bigint, e.g. nano-USD) over the tenant's rows; 0 when none. */
  protected async sumOf(tenantId: TenantId, column: string): Promise<bigint> {
    assertTenantId(tenantId);
    const row = await this.repo
      .createQueryBuilder('r')
      .select(`CAST(COALESCE(SUM(r.${column}), 0) AS TEXT)`, 'total')
      .where('r.tenant_id = :tenantId', { tenantId })
      .getRawOne<{ total: string }>();
    return BigInt(row?.total ?? '0');
  }

  protected write<R>(work: () => Promise<R>): Promise<R> {
    return UnitOfWork.for(this.repo.manager.connection).write(this.repo.manager, work);
  }
}
