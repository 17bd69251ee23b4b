import { DataSource } from 'typeorm';
import { ALL_TENANTS, oneTenant } from '../common/tenant-identity/tenant-scope';
import { OUTPUT_RATIOS } from '@arkgate/byteplus';
import { mediumModule } from '../../test/support/test-module';
import { factories, Factories } from '../../test/support/factories';
import { expectedUsd, nanoToUsd } from '../../test/support/billing';
import { systemContext } from '../common/http/request-context';
import { DomainError } from '../common/errors/domain-error';
import { UnitOfWork } from '../database/unit-of-work';
import type { TaskEntity } from '../tasks/task.entity';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { BillingModule } from './billing.module';
import { BillingService, SettlementInput } from './billing.service';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { SEED_PRICES } from './sku-rules';

const DAY_MS = 86_400_000;

/** The request that lands on a SKU: its model, final resolution and whether it had a video input. */
function requestFor(sku: string): { model: string; resolution: string; hasVideoInput: boolean } {
  const hasVideoInput = sku.endsWith('-video');
  const m = /^dreamina-seedance-2-0-(480p|720p|1080p|4k)-/.exec(sku);
  if (m) return { model: 'dreamina-seedance-2-0', resolution: m[1], hasVideoInput };
  return { model: sku.includes('-fast-') ? 'dreamina-seedance-2-0-fast' : 'dreamina-seedance-2-0-mini', resolution: '720p', hasVideoInput };
}

/**
 * Medium: BillingService against a real database (SQLite in memory, or PostgreSQL when DATABASE_URL is set) —
 * settlement at the price in force when the task was created, one entry per task, the spend-limit estimate as
 * an upper bound, and the usage report.
 */
describe('BillingService (medium)', () => {
  let billing: BillingService;
  let uow: UnitOfWork;
  let ds: DataSource;
  let f: Factories;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const m = await mediumModule([BillingModule]);
    billing = m.moduleRef.get(BillingService);
    uow = m.moduleRef.get(UnitOfWork);
    ds = m.moduleRef.get(DataSource);
    f = factories(ds);
    close = m.close;
  });
  afterAll(async () => close());

  const settle = (task: TaskEntity, input: Partial<SettlementInput> & { resolution: string; completionTokens: number }) =>
    uow.transaction((m) =>
      billing.settle(m, {
        tenantId: task.tenantId,
        taskRef: task.id,
        taskId: task.taskId!,
        model: task.model,
        hasVideoInput: task.hasVideoInput,
        taskCreatedAt: task.createdAt,
        ...input,
      }),
    );
  const entriesOf = (tenant: TenantContext) => ds.getRepository(LedgerEntryEntity).find({ where: { tenantId: tenant.id } });

  describe('settle', () => {
    let tenant: TenantContext;
    beforeAll(async () => {
      tenant = await f.newTenant();
    });

    it.each(SEED_PRICES.map(([sku, usd]) => [sku, usd]))('charges %s at its seed price of $%s/M tokens, exactly', async (sku, usd) => {
      const { model, resolution, hasVideoInput } = requestFor(sku);
      const task = await f.newTask({ tenant, model, hasVideoInput, resolution });
      const entry = await settle(task, { resolution, completionTokens: 108_901 });
      expect(entry).toMatchObject({ tenantId: tenant.id, taskRef: task.id, sku, tokens: '108901', resolution });
      expect(nanoToUsd(entry.amountNano)).toBe(expectedUsd(108_901, usd));
    });

    it('picks the SKU from the resolution the finished task reports, not the requested one', async () => {
      const task = await f.newTask({ tenant, model: 'dreamina-seedance-2-0', resolution: '720p' });
      expect((await settle(task, { resolution: '1080p', completionTokens: 1000 })).sku).toBe('dreamina-seedance-2-0-1080p-novideo');
    });

    it('charges a Filter-Off model at its family price and keeps its own model name', async () => {
      const task = await f.newTask({ tenant, model: 'dreamina-seedance-2-0-fast-filter-off', hasVideoInput: true });
      const entry = await settle(task, { resolution: '720p', completionTokens: 250_000 });
      expect(entry).toMatchObject({ model: 'dreamina-seedance-2-0-fast-filter-off', sku: 'dreamina-seedance-2-0-fast-video' });
      expect(nanoToUsd(entry.amountNano)).toBe(expectedUsd(250_000, '3.3'));
    });

    it('writes one entry per task: a second settlement of the same task fails and leaves the first', async () => {
      const other = await f.newTenant();
      const task = await f.newTask({ tenant: other });
      await settle(task, { resolution: '720p', completionTokens: 108_900 });
      await expect(settle(task, { resolution: '720p', completionTokens: 108_900 })).rejects.toThrow();
      const entries = await entriesOf(other);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ taskRef: task.id, tokens: '108900' });
    });

    it('writes nothing when the surrounding transaction rolls back', async () => {
      const other = await f.newTenant();
      const task = await f.newTask({ tenant: other });
      await expect(
        uow.transaction(async (m) => {
          await billing.settle(m, {
            tenantId: other.id,
            taskRef: task.id,
            taskId: task.taskId!,
            model: task.model,
            hasVideoInput: false,
            taskCreatedAt: task.createdAt,
            resolution: '720p',
            completionTokens: 5,
          });
          throw new Error('status change failed');
        }),
      ).rejects.toThrow('status change failed');
      expect(await entriesOf(other)).toEqual([]);
    });
  });

  describe('estimateNano (the spend-limit reservation)', () => {
    const fast = { model: 'dreamina-seedance-2-0-fast', hasVideoInput: false };

    it('is the token formula at the requested size and duration, at today’s price', async () => {
      // 1280×720×(24×5+1)/1024 = 108900 tokens × $5.6/M
      expect(nanoToUsd((await billing.estimateNano({ ...fast, resolution: '720p', ratio: '16:9', duration: 5 })).toString())).toBe(expectedUsd(108_900, '5.6'));
    });

    it('defaults to 720p and 5 s, and an adaptive or absent ratio costs as much as the largest ratio', async () => {
      const perRatio = await Promise.all(OUTPUT_RATIOS.map((ratio) => billing.estimateNano({ ...fast, resolution: '720p', ratio, duration: 5 })));
      const largest = perRatio.reduce((a, b) => (a > b ? a : b));
      expect(await billing.estimateNano({ ...fast, resolution: '720p', ratio: 'adaptive', duration: 5 })).toBe(largest);
      expect(await billing.estimateNano({ ...fast })).toBe(largest);
      expect(largest).toBeGreaterThanOrEqual(perRatio[0]);
    });

    it('counts a duration of -1 (the model decides) as the longest, 15 s', async () => {
      const auto = await billing.estimateNano({ ...fast, resolution: '1080p', ratio: '16:9', duration: -1 });
      expect(auto).toBe(await billing.estimateNano({ ...fast, resolution: '1080p', ratio: '16:9', duration: 15 }));
      expect(auto).toBeGreaterThan(await billing.estimateNano({ ...fast, resolution: '1080p', ratio: '16:9', duration: 14 }));
    });

    it('uses the video SKU when the request has a video input, and the family price for Filter-Off', async () => {
      const input = { resolution: '720p', ratio: '16:9', duration: 5 };
      expect(nanoToUsd((await billing.estimateNano({ ...input, model: 'dreamina-seedance-2-0-fast', hasVideoInput: true })).toString())).toBe(
        expectedUsd(108_900, '3.3'),
      );
      expect(await billing.estimateNano({ ...input, model: 'dreamina-seedance-2-0-fast-filter-off', hasVideoInput: false })).toBe(
        await billing.estimateNano({ ...input, model: 'dreamina-seedance-2-0-fast', hasVideoInput: false }),
      );
    });
  });

  describe('usage', () => {
    let a: TenantContext;
    let b: TenantContext;
    beforeAll(async () => {
      a = await f.newTenant();
      b = await f.newTenant();
      const charge = async (tenant: TenantContext, model: string, resolution: string, tokens: number, daysAgo: number) => {
        const entry = await settle(await f.newTask({ tenant, model, resolution }), { resolution, completionTokens: tokens });
        if (daysAgo) await ds.getRepository(LedgerEntryEntity).update({ id: entry.id }, { createdAt: entry.createdAt - daysAgo * DAY_MS });
      };
      await charge(a, 'dreamina-seedance-2-0-fast', '720p', 1_000_000, 0);
      await charge(a, 'dreamina-seedance-2-0-fast', '720p', 2_000_000, 2);
      await charge(a, 'dreamina-seedance-2-0', '1080p', 1_000_000, 2);
      await charge(b, 'dreamina-seedance-2-0-mini', '720p', 1_000_000, 0);
    });
    const window = () => ({ from: Date.now() - 10 * DAY_MS, to: Date.now() + 1000 });

    it('groups a tenant’s charges by SKU with totals, and leaves other tenants out', async () => {
      const { from, to } = window();
      const r = await billing.usage(oneTenant(a.id), from, to, 'sku');
      expect(r.items).toEqual([
        { key: 'dreamina-seedance-2-0-1080p-novideo', tasks: 1, tokens: 1_000_000, amount_usd: '7.70' },
        { key: 'dreamina-seedance-2-0-fast-novideo', tasks: 2, tokens: 3_000_000, amount_usd: '16.80' },
      ]);
      expect(r.totals).toEqual({ tasks: 3, tokens: 4_000_000, amount_usd: '24.50' });
    });

    it('groups by model and by day (UTC dates)', async () => {
      const { from, to } = window();
      expect((await billing.usage(oneTenant(a.id), from, to, 'model')).items.map((i) => [i.key, i.tasks])).toEqual([
        ['dreamina-seedance-2-0', 1],
        ['dreamina-seedance-2-0-fast', 2],
      ]);
      const days = (await billing.usage(oneTenant(a.id), from, to, 'day')).items;
      expect(days.map((i) => i.tasks)).toEqual([2, 1]);
      expect(days.map((i) => i.key)).toEqual(days.map((i) => i.key).sort());
      for (const d of days) expect(d.key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });

    it('groups by tenant across all tenants when no tenant is given (the admin report)', async () => {
      const { from, to } = window();
      const r = await billing.usage(ALL_TENANTS, from, to, 'tenant');
      const mine = r.items.filter((i) => i.key === a.id || i.key === b.id);
      expect(mine).toEqual(
        expect.arrayContaining([
          { key: a.id, tasks: 3, tokens: 4_000_000, amount_usd: '24.50' },
          { key: b.id, tasks: 1, tokens: 1_000_000, amount_usd: '3.50' },
        ]),
      );
    });

    it('counts only charges inside [from, to)', async () => {
      const r = await billing.usage(oneTenant(a.id), Date.now() - DAY_MS, Date.now() + 1000, 'sku');
      expect(r.totals).toEqual({ tasks: 1, tokens: 1_000_000, amount_usd: '5.60' });
    });

    it('a tenant asking for another tenant’s usage is told it does not exist', async () => {
      const principal = { tokenId: 't', role: 'tenant' as const, tenant: a };
      await expect(billing.usageFor(principal, { tenant_id: b.id })).rejects.toMatchObject({ key: 'not_found' });
      expect((await billing.usageFor(principal, { group_by: 'sku' })).tenant_id).toBe(a.id);
    });

    it('refuses a window whose start is not before its end', async () => {
      const principal = { tokenId: 't', role: 'admin' as const };
      const e = await billing.usageFor(principal, { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DomainError);
    });
  });

  describe('prices (runs last: it changes the price table of this database)', () => {
    it('a task is charged at the price in force when it was created, not at settlement', async () => {
      const tenant = await f.newTenant();
      const sku = 'dreamina-seedance-2-0-mini-novideo';
      const before = await f.newTask({ tenant, model: 'dreamina-seedance-2-0-mini', createdAt: Date.now() - 60_000 });
      const put = await billing.setPrice(sku, '9.25', systemContext());
      expect(put).toMatchObject({ sku, usd_per_million_tokens: '9.25' });
      const after = await f.newTask({ tenant, model: 'dreamina-seedance-2-0-mini', createdAt: Date.now() + 1 });

      expect(nanoToUsd((await settle(before, { resolution: '720p', completionTokens: 400_000 })).amountNano)).toBe(expectedUsd(400_000, '3.5'));
      expect(nanoToUsd((await settle(after, { resolution: '720p', completionTokens: 400_000 })).amountNano)).toBe(expectedUsd(400_000, '9.25'));
      expect((await billing.currentPrices()).find((p) => p.sku === sku)).toMatchObject({ usd_per_million_tokens: '9.25' });
    });

    it('refuses an unknown SKU and a price that is not a non-negative decimal', async () => {
      await expect(billing.setPrice('dreamina-seedance-9', '1', systemContext())).rejects.toMatchObject({ key: 'not_found' });
      for (const bad of ['-1', 'cheap', undefined, '1.0000000001']) {
        await expect(billing.setPrice('dreamina-seedance-2-0-fast-novideo', bad, systemContext())).rejects.toBeInstanceOf(DomainError);
      }
    });
  });
});
