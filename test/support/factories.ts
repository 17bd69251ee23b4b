import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AssetGroupEntity } from '../../src/assets/asset-group.entity';
import { AssetEntity } from '../../src/assets/asset.entity';
import { TaskEntity } from '../../src/tasks/task.entity';
import type { TenantContext } from '../../src/common/tenant-identity/tenant-context';
import { TenantEntity } from '../../src/tenancy/tenant.entity';
import { testTenantId } from './tenant-id';

/**
 * Data for medium tests, written straight to the test database: a tenant (returned as the context the auth
 * guard would have resolved), tasks and assets owned by it. Every field has a plausible default; pass only
 * what the test is about.
 */
export interface Factories {
  newTenant(overrides?: Partial<TenantEntity>): Promise<TenantContext>;
  newTask(opts: { tenant: TenantContext } & Partial<Omit<TaskEntity, 'tenantId'>>): Promise<TaskEntity>;
  newAssetGroup(opts: { tenant: TenantContext } & Partial<Omit<AssetGroupEntity, 'tenantId'>>): Promise<AssetGroupEntity>;
  /** In a new group of the same tenant unless `groupId` is given. */
  newAsset(opts: { tenant: TenantContext } & Partial<Omit<AssetEntity, 'tenantId'>>): Promise<AssetEntity>;
}

export function factories(ds: DataSource): Factories {
  let n = 0;
  const self: Factories = {
    async newTenant(overrides = {}) {
      const now = Date.now();
      const row: TenantEntity = {
        id: randomUUID(),
        name: `tenant-${++n}`,
        status: 'active',
        entitlements: { video_generation: true, asset_library: true, models: [] },
        mediaPolicy: 'any',
        rateLimitPerMinute: 600,
        spendLimitNano: null,
        createdAt: now,
        updatedAt: now,
        ...overrides,
      };
      await ds.getRepository(TenantEntity).insert(row);
      return {
        id: testTenantId(row.id),
        name: row.name,
        status: row.status,
        entitlements: row.entitlements,
        mediaPolicy: row.mediaPolicy ?? 'any',
        rateLimitPerMinute: row.rateLimitPerMinute,
      };
    },

    async newTask({ tenant, ...overrides }) {
      const row: TaskEntity = { ...taskDraft({ requestId: `req-${++n}`, ...overrides }), tenantId: tenant.id };
      await ds.getRepository(TaskEntity).save(row);
      return row;
    },

    async newAssetGroup({ tenant, ...overrides }) {
      const now = Date.now();
      const row: AssetGroupEntity = {
        id: `group-${randomUUID().replace(/-/g, '').slice(0, 20)}`,
        tenantId: tenant.id,
        name: `group-${++n}`,
        description: null,
        groupType: 'AIGC',
        model: null,
        requestId: `req-${n}`,
        createdAt: now,
        updatedAt: now,
        ...overrides,
      };
      await ds.getRepository(AssetGroupEntity).insert(row);
      return row;
    },

    async newAsset({ tenant, ...overrides }) {
      const now = Date.now();
      const groupId = overrides.groupId ?? (await self.newAssetGroup({ tenant })).id;
      const row: AssetEntity = {
        id: `asset-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
        tenantId: tenant.id,
        groupId,
        name: null,
        assetType: 'Image',
        sourceUrl: 'https://example.com/in.png',
        upstreamUrl: 'https://example.com/processed.png',
        status: 'Active',
        errorCode: null,
        errorMessage: null,
        model: null,
        requestId: `req-${++n}`,
        createdAt: now,
        updatedAt: now,
        ...overrides,
      };
      await ds.getRepository(AssetEntity).insert(row);
      return row;
    },
  };
  return self;
}

/**
 * A plausible task record without its tenant (a running fast 720p 16:9 5 s text-to-video task), not written anywhere:
 * for tests that insert it themselves through a tenant-scoped repository, which stamps the tenant. Pass only what the
 * test is about.
 */
export function taskDraft(overrides: Partial<Omit<TaskEntity, 'tenantId'>> = {}): Omit<TaskEntity, 'tenantId'> {
  const now = Date.now();
  const id = overrides.id ?? randomUUID();
  return {
    id,
    taskId: `cgt-${id.replace(/-/g, '').slice(0, 20)}`,
    model: 'dreamina-seedance-2-0-fast',
    upstreamModel: 'dreamina-seedance-2-0-fast-260128',
    status: 'running',
    upstreamRequest: { model: 'dreamina-seedance-2-0-fast-260128', content: [{ type: 'text', text: 'A paper boat on calm water.' }] },
    upstreamTask: null,
    hasVideoInput: false,
    resolution: '720p',
    ratio: '16:9',
    duration: 5,
    safetyIdentifier: null,
    callbackUrl: null,
    requestId: 'req',
    errorCode: null,
    hiddenAt: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
    nextSyncAt: null,
    leaseOwner: null,
    leaseUntil: null,
    syncAttempts: 0,
    reservedNano: '0',
    reconcileReason: null,
    ...overrides,
  };
}
