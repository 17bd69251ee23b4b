import { EntityManager, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { UnitOfWork } from './unit-of-work';
import { assertTenantId } from './tenant-scoped.repository';
import type { TenantScope } from '../common/tenant-identity/tenant-scope';

/**
 * Base of the classes that read (and, for background jobs, lease) tenant-owned rows across tenants. Every such
 * query lives in a `*-cross-tenant.reader.ts` file, so a reviewer finds them all in a handful of places; a read
 * that can be narrowed to one tenant takes a `TenantScope`, never an optional id.
 */
export abstract class CrossTenantReader<T extends ObjectLiteral> {
  protected constructor(protected readonly repo: Repository<T>) {}

  /** The same reader working inside the caller's transaction. */
  using(manager: EntityManager): this {
    const bound = Object.create(this) as this;
    (bound as unknown as { repo: Repository<T> }).repo = manager.getRepository<T>(this.repo.target);
    return bound;
  }

  /** Narrows a query over `alias` to the scope's tenant (nothing for all tenants). */
  protected inScope<Q extends SelectQueryBuilder<T>>(qb: Q, alias: string, scope: TenantScope): Q {
    if (scope.scope === 'all') return qb;
    assertTenantId(scope.tenantId);
    qb.andWhere(`${alias}.tenant_id = :scopeTenantId`, { scopeTenantId: scope.tenantId });
    return qb;
  }

  /** Writes (leases) wait for open transactions on SQLite's shared connection (see UnitOfWork). */
  protected write<R>(work: () => Promise<R>): Promise<R> {
    return UnitOfWork.for(this.repo.manager.connection).write(this.repo.manager, work);
  }
}
