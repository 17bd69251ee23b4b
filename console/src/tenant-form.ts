/**
 * The tenant form's request bodies: what the admin typed, as the admin API takes it. Creating sends what is
 * set (the API fills in defaults); editing sends only the fields that differ from the tenant as loaded, so
 * the audit trail records the change that was meant.
 */
export interface TenantForm {
  name: string;
  media_policy: string;
  rate_limit_per_minute: string;
  spend_limit_usd: string;
  video_generation: boolean;
  asset_library: boolean;
  /** null: not chosen (the API's default models). */
  models: string[] | null;
}

export interface TenantShape {
  name: string;
  media_policy: string;
  rate_limit_per_minute: number;
  spend_limit_usd: string | null;
  entitlements: { video_generation: boolean; asset_library: boolean; models: string[] };
}

export const EMPTY_TENANT_FORM: TenantForm = {
  name: '',
  media_policy: '',
  rate_limit_per_minute: '',
  spend_limit_usd: '',
  video_generation: true,
  asset_library: true,
  models: null,
};

export function formOf(t: TenantShape): TenantForm {
  return {
    name: t.name,
    media_policy: t.media_policy,
    rate_limit_per_minute: String(t.rate_limit_per_minute),
    spend_limit_usd: t.spend_limit_usd ?? '',
    video_generation: t.entitlements.video_generation,
    asset_library: t.entitlements.asset_library,
    models: [...t.entitlements.models],
  };
}

/** A whole number typed in a field is sent as a number; anything else as typed, for the API to refuse in its words. */
function integerOrText(text: string): number | string {
  const t = text.trim();
  return /^\d{1,15}$/.test(t) ? Number(t) : t;
}

export function createBody(f: TenantForm): Record<string, unknown> {
  const body: Record<string, unknown> = { name: f.name.trim() };
  if (f.media_policy) body.media_policy = f.media_policy;
  if (f.rate_limit_per_minute.trim()) body.rate_limit_per_minute = integerOrText(f.rate_limit_per_minute);
  if (f.spend_limit_usd.trim()) body.spend_limit_usd = f.spend_limit_usd.trim();
  body.entitlements = { video_generation: f.video_generation, asset_library: f.asset_library, ...(f.models ? { models: f.models } : {}) };
  return body;
}

const sameModels = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** The PATCH body: only what changed. An emptied spend limit is sent as null (removes it). */
export function updateBody(f: TenantForm, t: TenantShape): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (f.name.trim() !== t.name) body.name = f.name.trim();
  if (f.media_policy && f.media_policy !== t.media_policy) body.media_policy = f.media_policy;
  if (f.rate_limit_per_minute.trim() !== String(t.rate_limit_per_minute)) body.rate_limit_per_minute = integerOrText(f.rate_limit_per_minute);
  const spend = f.spend_limit_usd.trim();
  if (spend === '' ? t.spend_limit_usd !== null : spend !== t.spend_limit_usd) body.spend_limit_usd = spend === '' ? null : spend;
  const e = t.entitlements;
  const models = f.models ?? e.models;
  if (f.video_generation !== e.video_generation || f.asset_library !== e.asset_library || !sameModels(models, e.models)) {
    body.entitlements = { video_generation: f.video_generation, asset_library: f.asset_library, models };
  }
  return body;
}
