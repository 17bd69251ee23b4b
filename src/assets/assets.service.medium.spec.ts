import { DataSource } from 'typeorm';
import { ArkOpenApiClient } from '@arkgate/byteplus';
import { startSandbox, SandboxHandle } from '@arkgate/sandbox';
import { mediumModule } from '../../test/support/test-module';
import { factories, Factories } from '../../test/support/factories';
import { UpstreamModule } from '../upstream/upstream.module';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { AssetsModule } from './assets.module';
import { AssetsService } from './assets.service';

/**
 * Medium: the `asset://` check a task's references go through (docs/contract.md §3) — the caller's own, Active
 * asset of the item's type passes; another tenant's or an unknown one answers "does not exist", never "forbidden";
 * an asset still processing is asked about upstream first. The sandbox is the upstream.
 */
describe('AssetsService.verify (medium)', () => {
  let sandbox: SandboxHandle;
  let assets: AssetsService;
  let upstream: ArkOpenApiClient;
  let f: Factories;
  let close: () => Promise<void>;
  let mine: TenantContext;
  let theirs: TenantContext;

  beforeAll(async () => {
    sandbox = await startSandbox();
    const m = await mediumModule([UpstreamModule, AssetsModule], {
      ARK_OPENAPI_URL: sandbox.openApiUrl,
      ARK_ACCESS_KEY_ID: sandbox.accessKeyId,
      ARK_SECRET_ACCESS_KEY: sandbox.secretAccessKey,
      ARKGATE_RECONCILE_ENABLED: 'false',
    });
    close = m.close;
    assets = m.moduleRef.get(AssetsService);
    upstream = m.moduleRef.get(ArkOpenApiClient);
    f = factories(m.moduleRef.get(DataSource));
    mine = await f.newTenant();
    theirs = await f.newTenant();
  });
  afterAll(async () => {
    await close?.();
    await sandbox?.close();
  });

  const failure = (p: Promise<void>) =>
    p.then(
      () => 'ok',
      (e: { key?: string; param?: string; message: string }) => ({ key: e.key, param: e.param, message: e.message }),
    );
  const ref = (id: string, kind: 'image' | 'video' | 'audio' | null = 'image', param = 'content[1].image_url.url') => ({ id, kind, param });

  it('passes the caller’s own Active assets of the item’s type', async () => {
    const image = await f.newAsset({ tenant: mine, assetType: 'Image' });
    const video = await f.newAsset({ tenant: mine, assetType: 'Video' });
    await expect(assets.verify(mine, [ref(image.id, 'image'), ref(video.id, 'video', 'content[2].video_url.url')])).resolves.toBeUndefined();
  });

  it('answers another tenant’s asset exactly like an unknown one: asset_not_found on the item', async () => {
    const other = await f.newAsset({ tenant: theirs });
    const foreign = await failure(assets.verify(mine, [ref(other.id)]));
    const unknown = await failure(assets.verify(mine, [ref('asset-20260101000000-nobody')]));
    expect(foreign).toMatchObject({ key: 'asset_not_found', param: 'content[1].image_url.url' });
    expect(unknown).toMatchObject({ key: 'asset_not_found' });
    expect((foreign as { message: string }).message.replace(other.id, 'X')).toBe(
      (unknown as { message: string }).message.replace('asset-20260101000000-nobody', 'X'),
    );
  });

  it('refuses an asset that is not Active', async () => {
    const failed = await f.newAsset({ tenant: mine, status: 'Failed' });
    expect(await failure(assets.verify(mine, [ref(failed.id)]))).toMatchObject({ key: 'invalid_request', message: expect.stringContaining('is Failed') });
  });

  it('refuses an asset used in an item of another type; a position that names no type checks none', async () => {
    const audio = await f.newAsset({ tenant: mine, assetType: 'Audio' });
    expect(await failure(assets.verify(mine, [ref(audio.id, 'image')]))).toMatchObject({
      key: 'invalid_request',
      message: expect.stringContaining('audio_url'),
    });
    await expect(assets.verify(mine, [ref(audio.id, null)])).resolves.toBeUndefined();
  });

  it('checks every reference: one bad reference among good ones fails the whole check', async () => {
    const good = await f.newAsset({ tenant: mine });
    const other = await f.newAsset({ tenant: theirs });
    expect(await failure(assets.verify(mine, [ref(good.id), ref(other.id, 'image', 'content[2].image_url.url')]))).toMatchObject({
      key: 'asset_not_found',
      param: 'content[2].image_url.url',
    });
  });

  it('asks upstream about an asset still processing, and passes it once upstream says Active', async () => {
    sandbox.control.setAssetClock({ pendingMs: 0, processingMs: 0, invisibleMs: 0 });
    const group = await upstream.call<{ Id: string }>('CreateAssetGroup', { Name: 'verify', GroupType: 'AIGC', ProjectName: 'default' });
    const created = await upstream.call<{ Id: string }>('CreateAsset', {
      GroupId: group.Result.Id,
      URL: 'https://example.com/product.png',
      AssetType: 'Image',
      ProjectName: 'default',
    });
    const localGroup = await f.newAssetGroup({ tenant: mine, id: group.Result.Id });
    const local = await f.newAsset({ tenant: mine, id: created.Result.Id, groupId: localGroup.id, status: 'Processing', upstreamUrl: null });
    await expect(assets.verify(mine, [ref(local.id)])).resolves.toBeUndefined();
    // …and the tenant's other tenant cannot borrow it by id even now.
    expect(await failure(assets.verify(theirs, [ref(local.id)]))).toMatchObject({ key: 'asset_not_found' });
  });
});
