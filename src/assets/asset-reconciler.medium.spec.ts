import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startSandbox, SandboxHandle } from '@arkgate/sandbox';
import { ArkOpenApiClient } from '@arkgate/byteplus';
import { testTenantId } from '../../test/support/tenant-id';
import { mediumModule } from '../../test/support/test-module';
import { systemContext } from '../common/http/request-context';
import { UpstreamModule } from '../upstream/upstream.module';
import { TenantEntity } from '../tenancy/tenant.entity';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { AssetsModule } from './assets.module';
import { AssetCrossTenantReader } from './asset-cross-tenant.reader';
import { AssetReconciler } from './asset-reconciler.service';
import { AssetSubmissionEntity } from './asset-submission.entity';
import { AssetSubmissionRepository } from './asset-submission.repository';

const TIMEOUT_MS = 1500;

/**
 * Medium: the asset reconciler against a real database and the sandbox as upstream — the outcomes a request cannot
 * wait for (window closed, deadline passed, tenants that cannot be told apart) and lease safety across instances.
 */
describe('AssetReconciler', () => {
  let sandbox: SandboxHandle;
  let ds: DataSource;
  let reconciler: AssetReconciler;
  let submissions: AssetSubmissionRepository;
  let crossTenant: AssetCrossTenantReader;
  let upstream: ArkOpenApiClient;
  let close: () => Promise<void>;
  const tenants = [testTenantId(), testTenantId()];

  beforeAll(async () => {
    sandbox = await startSandbox();
    const m = await mediumModule([UpstreamModule, AssetsModule], {
      ARK_OPENAPI_URL: sandbox.openApiUrl,
      ARK_ACCESS_KEY_ID: sandbox.accessKeyId,
      ARK_SECRET_ACCESS_KEY: sandbox.secretAccessKey,
      ARK_TIMEOUT_MS: String(TIMEOUT_MS),
      ARKGATE_RECONCILE_DEADLINE_S: '1',
      ARKGATE_RECONCILE_ENABLED: 'false',
    });
    close = m.close;
    ds = m.moduleRef.get(DataSource);
    reconciler = m.moduleRef.get(AssetReconciler);
    submissions = m.moduleRef.get(AssetSubmissionRepository);
    crossTenant = m.moduleRef.get(AssetCrossTenantReader);
    upstream = m.moduleRef.get(ArkOpenApiClient);
    for (const id of tenants) {
      await ds.getRepository(TenantEntity).insert({
        id,
        name: id,
        status: 'active',
        mediaPolicy: null,
        rateLimitPerMinute: 60,
        spendLimitNano: null,
        entitlements: { video_generation: true, asset_library: true, models: [] },
        createdAt: 0,
        updatedAt: 0,
      });
    }
  });
  afterAll(async () => {
    await close();
    await sandbox.close();
  });
  afterEach(() => sandbox.control.clearFaults());

  const submission = async (tenantId: TenantId, name: string, createdAt: number): Promise<AssetSubmissionEntity> =>
    submissions.insert(tenantId, {
      id: randomUUID(),
      kind: 'group',
      status: 'unknown',
      upstreamRequest: { Name: name, GroupType: 'AIGC', ProjectName: 'default' },
      model: null,
      upstreamId: null,
      reason: 'test',
      requestId: 'r',
      leaseOwner: null,
      leaseUntil: null,
      createdAt,
      updatedAt: createdAt,
    });
  const statusOf = async (s: AssetSubmissionEntity) => (await submissions.findOwned(s.tenantId, s.id))?.status;
  /** A group made upstream behind the gateway's back: what a create whose answer was lost leaves there. */
  const createUpstreamGroup = (name: string) => upstream.createAssetGroup({ Name: name, GroupType: 'AIGC', ProjectName: 'default' });

  it('a record whose window has closed with nothing upstream is rejected', async () => {
    const old = await submission(tenants[0], 'never-made', Date.now() - (TIMEOUT_MS + 61_000));
    expect(await reconciler.resolve(old, systemContext(), 'asset.recovered')).toEqual({ state: 'rejected' });
    expect(await statusOf(old)).toBe('rejected');
  });

  it('a record whose listing keeps failing is left for the operator once past the deadline', async () => {
    sandbox.control.addFault({ op: 'ListAssetGroups', kind: 'status', status: 500, times: 10 });
    const young = await submission(tenants[0], 'listing-fails', Date.now());
    expect(await reconciler.resolve(young, systemContext(), 'asset.recovered')).toEqual({ state: 'open' });
    const stale = await submission(tenants[0], 'listing-fails-old', Date.now() - 2000);
    expect(await reconciler.resolve(stale, systemContext(), 'asset.recovered')).toEqual({ state: 'unresolved' });
    const row = await submissions.findOwned(stale.tenantId, stale.id);
    expect(row).toMatchObject({ status: 'unresolved', reason: expect.stringMatching(/listing failed/) });
  });

  it('one upstream group that records of two tenants could own is never guessed', async () => {
    const now = Date.now();
    const mine = await submission(tenants[0], 'shared-name', now);
    const theirs = await submission(tenants[1], 'shared-name', now + 10);
    await createUpstreamGroup('shared-name');
    expect(await reconciler.resolve(mine, systemContext(), 'asset.recovered')).toEqual({ state: 'open' });
    expect(await reconciler.resolve(theirs, systemContext(), 'asset.recovered')).toEqual({ state: 'open' });
    expect(Number((await ds.query("SELECT COUNT(*) AS n FROM asset_groups WHERE name = 'shared-name'"))[0].n)).toBe(0);
  });

  it('the one match is attached to its tenant exactly once, whoever resolves it', async () => {
    const sub = await submission(tenants[0], 'single-match', Date.now());
    const made = await createUpstreamGroup('single-match');
    const [first, second] = await Promise.all([
      reconciler.resolve(sub, systemContext(), 'asset.recovered'),
      reconciler.resolve(sub, systemContext(), 'asset.recovered'),
    ]);
    expect([first, second]).toContainEqual({ state: 'attached', upstreamId: made.Result.Id });
    const rows = await ds.query(`SELECT id, tenant_id FROM asset_groups WHERE id = '${made.Result.Id}'`);
    expect(rows).toEqual([{ id: made.Result.Id, tenant_id: tenants[0] }]);
    expect(await statusOf(sub)).toBe('attached');
  });

  it('two instances never lease the same open record', async () => {
    for (let i = 0; i < 6; i++) await submission(tenants[1], `lease-${i}`, Date.now());
    const now = Date.now();
    const [a, b] = await Promise.all([
      crossTenant.claimOpenSubmissions('instance-a', now, now + 60_000, now - 60_000, 4),
      crossTenant.claimOpenSubmissions('instance-b', now, now + 60_000, now - 60_000, 100),
    ]);
    const ids = [...a, ...b].map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await crossTenant.claimOpenSubmissions('instance-c', now + 1, now + 60_000, now - 60_000, 100)).toEqual([]);
    expect(await crossTenant.releaseSubmissionLeases('instance-a')).toBe(a.length);
  });
});
