import { Logger } from '@nestjs/common';

/** The Filter-Off model the documented Filter-Off example uses, and the version the sandbox is told it maps to. */
const FILTER_OFF_MODEL = 'dreamina-seedance-2-0-filter-off';
const SANDBOX_FILTER_OFF_VERSION = 'ep-sandbox-filteroff';
const ASSET_MODEL = 'dreamina-seedance-2-0-fast';

/** The parts of the gateway's own answers this reads (its API, so their shapes are the contract's). */
interface TenantAnswer {
  entitlements?: Record<string, unknown> & { models?: string[] };
}
interface ModelMappingAnswer {
  model: string;
  upstream_model: string | null;
}
interface AssetActionAnswer {
  Result: { Id: string };
}

export interface DemoAssets {
  groupId: string;
  imageAssetId: string;
  videoAssetId: string;
}

/**
 * What the documented examples need beyond a token, made for the demo tenant of a sandbox run (docs/contract.md §7),
 * through the gateway's own API like any caller: the demo tenant entitled to the Filter-Off model, that model mapped to
 * a Filter-Off version the sandbox accepts, and an asset group with an image and a video asset whose ids replace the
 * `asset://` ids of the examples. Answers the asset ids; any step that fails is logged and skipped.
 */
export async function ensureDemoExamples(base: string, tenant: { tenantId: string; token: string }, adminToken: string): Promise<DemoAssets | undefined> {
  const logger = new Logger('DemoExamples');
  const call = async <T>(token: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw new Error(`${method} ${path.split('?')[0]} answered ${res.status}`);
    return answer as T;
  };
  try {
    const current = await call<TenantAnswer>(adminToken, 'GET', `/admin/tenants/${tenant.tenantId}`);
    const models: string[] = current.entitlements?.models ?? [];
    if (!models.includes(FILTER_OFF_MODEL)) {
      await call<unknown>(adminToken, 'PATCH', `/admin/tenants/${tenant.tenantId}`, {
        entitlements: { ...current.entitlements, models: [...models, FILTER_OFF_MODEL] },
      });
    }
    const mappings = await call<ModelMappingAnswer[]>(adminToken, 'GET', '/admin/model-mappings');
    if (!mappings.find((m) => m.model === FILTER_OFF_MODEL)?.upstream_model) {
      await call<unknown>(adminToken, 'PUT', `/admin/model-mappings/${FILTER_OFF_MODEL}`, { upstream_model: SANDBOX_FILTER_OFF_VERSION });
    }
  } catch (err) {
    logger.warn(`the Filter-Off example could not be prepared: ${(err as Error).message}`);
  }
  try {
    const action = async (name: string, body: Record<string, unknown>) =>
      (await call<AssetActionAnswer>(tenant.token, 'POST', `/volcark?Action=${name}&Version=2024-01-01`, { model: ASSET_MODEL, ...body })).Result;
    const groupId = (await action('CreateAssetGroup', { Name: 'demo-examples', GroupType: 'AIGC', Description: 'Assets the documented examples use' })).Id;
    const imageAssetId = (await action('CreateAsset', { GroupId: groupId, URL: 'https://example.com/product.png', AssetType: 'Image', Name: 'demo-image.png' }))
      .Id;
    const videoAssetId = (await action('CreateAsset', { GroupId: groupId, URL: 'https://example.com/clip.mp4', AssetType: 'Video', Name: 'demo-video.mp4' }))
      .Id;
    return { groupId, imageAssetId, videoAssetId };
  } catch (err) {
    logger.warn(`the demo assets could not be made: ${(err as Error).message}`);
    return undefined;
  }
}
