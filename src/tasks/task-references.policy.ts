/**
 * The references check of a task create (docs/contract.md §3, §10), run before anything is recorded or sent:
 * plain media refused under media policy `asset_only`; every `asset://` anywhere in the body the caller's,
 * Active and of the type its position asks for; plain media URLs (policy `any`) and the callback URL public,
 * on an allowed port. Checked URLs are written back trimmed, so what is forwarded is what was checked.
 */
import { DomainError } from '../common/errors/domain-error';
import type { HostResolver } from '../common/net/host-resolver';
import { checkPublicUrl } from '../common/net/public-url';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import type { AssetReferences } from './asset-references';
import { collectReferences, setAt } from './task-references.rules';

/**
 * Each distinct asset reference costs a lookup and each plain URL a DNS resolution: a body may hold at most this
 * many of each (content allows 12 references in all; `references.*` and unknown fields are not otherwise bounded).
 */
export const MAX_CHECKED_REFERENCES = 32;

export interface ReferencePolicyDeps {
  assets: AssetReferences;
  resolver: Pick<HostResolver, 'resolve'>;
  /** ARKGATE_ALLOWED_URL_PORTS. */
  allowedUrlPorts: readonly number[];
}

/** Throws the first refusal; answers the checked callback URL (null without one). */
export async function enforceReferencePolicy(
  tenant: TenantContext,
  body: Record<string, unknown>,
  deps: ReferencePolicyDeps,
): Promise<{ callbackUrl: string | null }> {
  const refs = collectReferences(body);
  for (const [list, what] of [
    [refs.assets, 'distinct asset references'],
    [refs.plain, 'media URLs or base64 items'],
  ] as const) {
    if (list.length > MAX_CHECKED_REFERENCES) {
      throw DomainError.invalid(list[MAX_CHECKED_REFERENCES].param, `A task may carry at most ${MAX_CHECKED_REFERENCES} ${what}.`);
    }
  }
  if (tenant.mediaPolicy === 'asset_only' && refs.plain.length > 0) {
    const first = refs.plain[0];
    throw DomainError.invalid(
      first.param,
      `This account accepts media only as asset://<Asset_Id>: upload the ${first.kind} to the asset library and use it once it is Active.`,
    );
  }
  await deps.assets.verify(tenant, refs.assets);

  const urls = refs.plain.filter((m) => m.form === 'url');
  const checks = await Promise.all(
    urls.map((m) => checkPublicUrl(m.value, deps.resolver, { field: m.param, schemes: ['http', 'https'], ports: deps.allowedUrlPorts })),
  );
  checks.forEach((check, i) => {
    if (!check.ok) throw DomainError.invalid(urls[i].param, check.reason);
    setAt(body, urls[i].path, check.url);
  });

  if (body.callback_url !== undefined) {
    const check = await checkPublicUrl(body.callback_url, deps.resolver, { field: 'callback_url', schemes: ['https'], ports: deps.allowedUrlPorts });
    if (!check.ok) throw DomainError.invalid('callback_url', check.reason);
    body.callback_url = check.url;
    return { callbackUrl: check.url };
  }
  return { callbackUrl: null };
}
