/** The shapes the admin, audit and billing API answer with (see /docs). */
export interface Tenant {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  entitlements: { video_generation: boolean; asset_library: boolean; models: string[] };
  media_policy: 'asset_only' | 'any';
  rate_limit_per_minute: number;
  spend_limit_usd: string | null;
  created_at: number;
  updated_at: number;
}

export interface TokenView {
  id: string;
  name: string;
  role: 'tenant' | 'auditor' | 'admin';
  tenant_id: string | null;
  prefix: string;
  created_at: number;
  revoked_at: number | null;
}

export interface IssuedToken {
  id: string;
  token: string;
  name: string;
  role: string;
  tenant_id: string | null;
}

export interface ModelMapping {
  model: string;
  upstream_model: string | null;
  official_upstream_model: string | null;
  pinned: boolean;
  filter_off: boolean;
  updated_at: string | null;
}

export interface Price {
  sku: string;
  usd_per_million_tokens: string;
  effective_from: string | null;
}

export interface UsageRow {
  key: string;
  tasks: number;
  tokens: number;
  amount_usd: string;
}

export interface Usage {
  tenant_id: string | null;
  from: string;
  to: string;
  group_by: string;
  totals: { tasks: number; tokens: number; amount_usd: string };
  items: UsageRow[];
}

export interface TaskRecord {
  id: string;
  task_id: string | null;
  tenant_id: string;
  model: string;
  upstream_model: string;
  status: string;
  resolution: string | null;
  ratio: string | null;
  duration: number | null;
  video_input: boolean;
  error_code: string | null;
  request_id: string;
  hidden_by_tenant: boolean;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  amount_usd: string | null;
  /** In the one-record answer only: the charge's SKU, tokens and unit price. */
  sku?: string | null;
  tokens?: number | null;
  unit_price_usd_per_million_tokens?: string | null;
  [more: string]: unknown;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface AuditEvent {
  id: string;
  seq: number;
  occurred_at: string;
  actor: { token_id: string | null; role: string } | null;
  tenant_id: string | null;
  action: string;
  target_id: string | null;
  outcome: { status?: number; error_code?: string | null } | null;
  request_id: string | null;
  client_ip: string | null;
  properties: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

export interface VerifyResult {
  ok: boolean;
  events_checked: number;
  first_broken: { seq: number; id: string; reason: string } | null;
}

export const RECORD_STATUSES = ['submitting', 'rejected', 'queued', 'running', 'succeeded', 'failed', 'expired', 'cancelled'];

/** GET /admin/reconciliation (docs/contract.md §9). */
export interface UnresolvedTaskRecord {
  record_id: string;
  tenant_id: string;
  created_at: string;
  model: string;
  upstream_model: string | null;
  request_id: string;
  status: string;
  reason: string;
  error_code: string | null;
  upstream_task_id: string | null;
}

export interface UnresolvedAssetSubmission {
  submission_id: string;
  tenant_id: string;
  kind: 'group' | 'asset';
  created_at: string;
  model: string | null;
  request_id: string;
  status: string;
  reason: string;
  sent: Record<string, unknown>;
}

export interface UpstreamOrphan {
  task_id: string;
  upstream_model: string | null;
  model: string | null;
  status: string;
  created_at: string | null;
  resolution: string | null;
  ratio: string | null;
  duration: number | null;
  completion_tokens: number | null;
  sku: string | null;
  list_price_usd: string | null;
  note: string | null;
}

export interface ReconciliationView {
  generated_at: string;
  since: string;
  unresolved: UnresolvedTaskRecord[];
  asset_submissions: UnresolvedAssetSubmission[];
  orphans: UpstreamOrphan[] | null;
  orphan_totals: { tasks: number; completion_tokens: number; list_price_usd: string } | null;
  upstream_listing_error: string | null;
}
