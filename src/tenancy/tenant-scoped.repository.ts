import { EntityManager, FindManyOptions, FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';

/** Refuses an empty tenant id: TypeORM silently drops `undefined` from a `where`, which would read all tenants. */
export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new Error('tenant-scoped query without a tenant id');
  }
}

/**
 * Base of every repository of tenant-owned rows: each method takes the tenant id first, filters by it,
 * and stamps it on insert. Subclasses add queries named for intent.
 */
export abstract class TenantScopedRepository<T extends ObjectLiteral & { tenantId: string }> {
  protected constructor(protected readonly repo: Repository<T>) {}

  /** The same repository working inside the caller's transaction. */
  using(manager: EntityManager): this {
    const bound = Object.create(this) as this;
    (bound as unknown as { repo: Repository<T> }).repo = manager.getRepository<T>(this.repo.target);
    return bound;
  }

  protected scoped(tenantId: string, where: FindOptionsWhere<T> = {}): FindOptionsWhere<T> {
    assertTenantId(tenantId);
    return { ...where, tenantId } as FindOptionsWhere<T>;
  }

  async findOne(tenantId: string, where: FindOptionsWhere<T>): Promise<T | null> {
    return this.repo.findOne({ where: this.scoped(tenantId, where) });
  }

  async findAndCount(tenantId: string, where: FindOptionsWhere<T>, options: Omit<FindManyOptions<T>, 'where'> = {}): Promise<[T[], number]> {
    return this.repo.findAndCount({ ...options, where: this.scoped(tenantId, where) });
  }

  async insert(tenantId: string, row: Omit<T, 'tenantId'>): Promise<T> {
    assertTenantId(tenantId);
    const entity = this.repo.create({ ...row, tenantId } as unknown as T);
    await this.write(() => this.repo.insert(entity));
    return entity;
  }

  async update(tenantId: string, where: FindOptionsWhere<T>, patch: Partial<T>): Promise<number> {
    const result = await this.write(() => this.repo.update(this.scoped(tenantId, where), patch as never));
    return result.affected ?? 0;
  }

  /** Writes wait for open transactions on SQLite's shared connection (see UnitOfWork). */
  protected write<R>(work: () => Promise<R>): Promise<R> {
    return UnitOfWork.for(this.repo.manager.connection).write(this.repo.manager, work);
  }
}
