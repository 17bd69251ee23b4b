/**
 * `GET /v1/models` of the facade: the caller's entitled stable model names in the OpenAI Models shape. Pure.
 * `created` is the release date of the model's official upstream version (YYMMDD in its id); Filter-Off models
 * take their family's.
 */
import { DomainError } from '../common/errors/domain-error';
import { MODELS, type ModelSpec } from '../catalog/catalog-rules';
import type { TenantContext } from '../common/tenant-identity/tenant-context';

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'arkgate';
}

function createdOf(model: ModelSpec): number {
  const official = model.officialUpstream ?? MODELS.find((m) => m.family === model.family && m.officialUpstream)?.officialUpstream ?? '';
  const m = /-(\d{2})(\d{2})(\d{2})$/.exec(official);
  return m ? Date.UTC(2000 + Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000 : 0;
}

function present(model: ModelSpec): ModelObject {
  return { id: model.name, object: 'model', created: createdOf(model), owned_by: 'arkgate' };
}

/** The tenant's models: none without the video generation entitlement. */
export function entitledModels(tenant: TenantContext): { object: 'list'; data: ModelObject[] } {
  const entitled = tenant.entitlements.video_generation ? tenant.entitlements.models : [];
  return { object: 'list', data: MODELS.filter((m) => entitled.includes(m.name)).map(present) };
}

export function entitledModel(tenant: TenantContext, id: string): ModelObject {
  const found = entitledModels(tenant).data.find((m) => m.id === id);
  if (!found) throw new DomainError('not_found', `The model \`${id}\` does not exist or this account is not enabled for it.`, 'model');
  return found;
}
