import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { taskDraft } from '../../test/support/factories';
import { testTenantId } from '../../test/support/tenant-id';
import { mediumModule } from '../../test/support/test-module';
import { DomainError } from '../common/errors/domain-error';
import { UnitOfWork } from '../database/unit-of-work';
import { TaskEntity } from '../tasks/task.entity';
import { TaskRepository } from '../tasks/task.repository';
import { TenancyModule } from '../tenancy/tenancy.module';
import { TenancyService } from '../tenancy/tenancy.service';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { BillingModule } from './billing.module';
import { BillingService, SpendHolders } from './billing.service';
import { parseUsd } from '../common/money';

/**
 * Medium: BillingService.reserve against a real database (SQLite, or PostgreSQL when DATABASE_URL is set), with the
 * holders a create gives it — the tenant's locked spend limit and the reservations of its task records.
 */
describe('BillingService.reserve: a task is recorded only while charged + in flight + its estimate fit the spend limit', () => {
  let billing: BillingService;
  let tenancy: TenancyService;
  let uow: UnitOfWork;
  let tasks: TaskRepository;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const m = await mediumModule([TenancyModule, BillingModule]);
    billing = m.moduleRef.get(BillingService);
    tenancy = m.moduleRef.get(TenancyService);
    uow = m.moduleRef.get(UnitOfWork);
    tasks = new TaskRepository(m.moduleRef.get(DataSource).getRepository(TaskEntity));
    close = m.close;
  });
  afterAll(async () => close());

  const newTenant = async (spendLimitUsd: string | null) =>
    testTenantId((await tenancy.createTenant({ name: `t-${randomUUID()}`, spend_limit_usd: spendLimitUsd }, async () => undefined)).id);

  const newTask = (m: EntityManager, tenantId: TenantId, over: Partial<Omit<TaskEntity, 'tenantId'>> = {}) =>
    tasks.using(m).insertSubmitting(tenantId, taskDraft({ taskId: null, status: 'submitting', upstreamRequest: {}, resolution: '480p', ...over }));

  /** A succeeded task of the tenant charged 50,000 tokens at fast 480p ($5.6/M) = $0.28. */
  const charge = (tenantId: TenantId) =>
    uow.transaction(async (m) => {
      const task = await newTask(m, tenantId, { status: 'succeeded', taskId: `cgt-${randomUUID()}` });
      await billing.settle(m, {
        tenantId,
        taskRef: task.id,
        taskId: task.taskId as string,
        model: task.model,
        hasVideoInput: false,
        taskCreatedAt: task.createdAt,
        resolution: '480p',
        completionTokens: 50_000,
      });
    });

  const holders = (m: EntityManager, tenantId: TenantId): SpendHolders => ({
    lockLimit: () => tenancy.lockSpendLimit(m, tenantId),
    reservedInFlight: () => tasks.using(m).reservedNano(tenantId),
  });

  /** What a create does: reserve, then record the task holding its estimate, in one transaction. */
  const reserveAndRecord = (tenantId: TenantId, estimateUsd: string) =>
    uow.transaction(async (m) => {
      const estimate = parseUsd(estimateUsd);
      await billing.reserve(m, tenantId, estimate, holders(m, tenantId));
      return newTask(m, tenantId, { reservedNano: estimate.toString() });
    });

  const refusal = async (work: Promise<unknown>): Promise<DomainError> => {
    const err = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof DomainError)) throw new Error(`expected a refusal, got ${String(err)}`);
    return err;
  };

  it('without a spend limit anything is reserved, and the tasks in flight are not even summed', async () => {
    const tenantId = await newTenant(null);
    let summed = false;
    await uow.transaction((m) =>
      billing.reserve(m, tenantId, parseUsd('100000'), {
        lockLimit: () => tenancy.lockSpendLimit(m, tenantId),
        reservedInFlight: async () => ((summed = true), 0n),
      }),
    );
    expect(summed).toBe(false);
  });

  it('charged + in flight + estimate up to the limit passes; a nano-dollar more is 403 spend_limit_exceeded, with the amounts', async () => {
    const tenantId = await newTenant('1.00');
    await charge(tenantId);
    await reserveAndRecord(tenantId, '0.20');
    await expect(uow.transaction((m) => billing.reserve(m, tenantId, parseUsd('0.52'), holders(m, tenantId)))).resolves.toBeUndefined();

    const err = await refusal(uow.transaction((m) => billing.reserve(m, tenantId, parseUsd('0.520000001'), holders(m, tenantId))));
    expect({ key: err.key, param: err.param }).toEqual({ key: 'spend_limit_exceeded', param: '' });
    expect(err.message).toBe(
      "This task could cost up to $0.520000001, which would pass the account's spend limit of $1.00 ($0.28 charged, $0.20 reserved by tasks in flight).",
    );
  });

  it("another tenant's charges and tasks in flight do not count", async () => {
    const mine = await newTenant('0.50');
    const other = await newTenant('100.00');
    await charge(other);
    await reserveAndRecord(other, '10.00');
    await expect(reserveAndRecord(mine, '0.50')).resolves.toMatchObject({ tenantId: mine });
  });

  it('concurrent reservations of one tenant never pass its limit together: room for 3 → exactly 3 recorded', async () => {
    const tenantId = await newTenant('1.00');
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => reserveAndRecord(tenantId, '0.30')));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(3);
    expect(refused.every((r) => r.reason instanceof DomainError && r.reason.key === 'spend_limit_exceeded')).toBe(true);
    expect(await uow.transaction((m) => tasks.using(m).reservedNano(tenantId))).toBe(parseUsd('0.90'));
  });
});
