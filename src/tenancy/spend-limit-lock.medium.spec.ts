import type { DataSource, QueryRunner } from 'typeorm';
import { factories } from '../../test/support/factories';
import { openMigratedDataSource } from '../../test/support/test-database';
import { TenancyService } from './tenancy.service';

/**
 * Medium: creates check the spend limit with the tenant row locked (PostgreSQL), so two creates of one tenant check it
 * one at a time; a tenant without a limit is not locked, so its creates do not wait for one another. Whether a
 * transaction waits is seen through `lock_timeout`: a wait for the row fails at once instead of blocking.
 */
describe('TenancyService.lockSpendLimit', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  // The method reads through the manager it is given; it needs none of the service's collaborators.
  const tenancy = Object.create(TenancyService.prototype) as TenancyService;

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
  });
  afterAll(async () => close());

  const inTransaction = async (): Promise<QueryRunner> => {
    const runner = ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    if (ds.options.type === 'postgres') await runner.query("SET LOCAL lock_timeout = '50ms'");
    return runner;
  };
  const end = async (...runners: QueryRunner[]) => {
    for (const r of runners) {
      if (r.isTransactionActive) await r.rollbackTransaction();
      await r.release();
    }
  };

  it('answers the limit, or null when there is none', async () => {
    const f = factories(ds);
    const limited = await f.newTenant({ spendLimitNano: '5000000000' });
    const open = await f.newTenant({ spendLimitNano: null });
    expect(await tenancy.lockSpendLimit(ds.manager, limited.id)).toBe(5_000_000_000n);
    expect(await tenancy.lockSpendLimit(ds.manager, open.id)).toBeNull();
  });

  // SQLite runs one transaction at a time (nothing to wait for): this case runs in the PostgreSQL pass of CI.
  const postgresOnly = process.env.DATABASE_URL && !process.env.DATABASE_URL.startsWith('sqlite:') ? it : it.skip;

  postgresOnly('PostgreSQL: a second transaction waits for the first when the tenant has a limit, not when it has none', async () => {
    const f = factories(ds);
    const limited = await f.newTenant({ spendLimitNano: '5000000000' });
    const open = await f.newTenant({ spendLimitNano: null });

    const [a, b] = [await inTransaction(), await inTransaction()];
    try {
      expect(await tenancy.lockSpendLimit(a.manager, open.id)).toBeNull();
      expect(await tenancy.lockSpendLimit(b.manager, open.id)).toBeNull();
    } finally {
      await end(a, b);
    }

    const [c, d] = [await inTransaction(), await inTransaction()];
    try {
      expect(await tenancy.lockSpendLimit(c.manager, limited.id)).toBe(5_000_000_000n);
      await expect(tenancy.lockSpendLimit(d.manager, limited.id)).rejects.toThrow(/lock timeout/);
    } finally {
      await end(c, d);
    }
  });
});
