/**
 * Query strings the console sends. Only the API's own parameters, with empty fields left out, so a
 * filter form maps one to one onto the documented query of each route.
 */
import { dayEndExclusiveIso, dayStartIso } from './format';

export type QueryValue = string | number | boolean | null | undefined;

/** `{a: 'x', b: '', c: undefined, d: 2}` → "?a=x&d=2" (keys in the given order; "" when nothing is left). */
export function buildQuery(params: Record<string, QueryValue>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    const text = String(value).trim();
    if (text === '') continue;
    q.append(key, text);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The filters of the task log, as the form holds them (date fields as "YYYY-MM-DD", `to` inclusive). */
export interface TaskLogFilters {
  tenant_id: string;
  status: string;
  model: string;
  from: string;
  to: string;
}

export const EMPTY_TASK_FILTERS: TaskLogFilters = { tenant_id: '', status: '', model: '', from: '', to: '' };

export function taskLogPath(f: TaskLogFilters, cursor?: string | null, limit = 50): string {
  return `/admin/tasks${buildQuery({
    tenant_id: f.tenant_id,
    status: f.status,
    model: f.model,
    from: dayStartIso(f.from),
    to: dayEndExclusiveIso(f.to),
    limit,
    cursor: cursor ?? undefined,
  })}`;
}

export interface AuditFilters {
  tenant_id: string;
  action: string;
  actor: string;
  request_id: string;
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { tenant_id: '', action: '', actor: '', request_id: '', from: '', to: '' };

export function auditEventsPath(f: AuditFilters, cursor?: string | null, limit = 50): string {
  return `/audit/events${buildQuery({
    tenant_id: f.tenant_id,
    action: f.action,
    actor: f.actor,
    request_id: f.request_id,
    from: dayStartIso(f.from),
    to: dayEndExclusiveIso(f.to),
    limit,
    cursor: cursor ?? undefined,
  })}`;
}

export interface ExportFilters {
  tenant_id: string;
  status: string;
  model: string;
  from: string;
  to: string;
}

export function exportPath(format: 'csv' | 'ndjson', f: ExportFilters): string {
  return `/audit/tasks/export${buildQuery({
    format,
    from: dayStartIso(f.from),
    to: dayEndExclusiveIso(f.to),
    tenant_id: f.tenant_id,
    status: f.status,
    model: f.model,
  })}`;
}

export type UsageGroup = 'day' | 'tenant' | 'model' | 'sku';

export function usagePath(groupBy: UsageGroup, f: { tenant_id: string; from: string; to: string }): string {
  return `/billing/usage${buildQuery({ group_by: groupBy, tenant_id: f.tenant_id, from: dayStartIso(f.from), to: dayEndExclusiveIso(f.to) })}`;
}

/** A page of a client-side list (tenants): 1-based page number clamped into range. */
export function pageOf<T>(items: readonly T[], page: number, size: number): { rows: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  return { rows: items.slice((p - 1) * size, p * size), page: p, pages };
}

/** Case-insensitive match of a search box against a few fields of a row. */
export function matchesSearch(search: string, ...fields: Array<string | null | undefined>): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return fields.some((f) => (f ?? '').toLowerCase().includes(needle));
}
