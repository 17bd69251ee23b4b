/** The list query of docs/contract.md §3, read from the raw query string (keys contain dots). */
import { stableNameOf } from '../../catalog/catalog-rules';
import { DomainError } from '../../common/errors/domain-error';

export const TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'expired', 'cancelled'] as const;
export type PublicTaskStatus = (typeof TASK_STATUSES)[number];

export interface ListTasksQuery {
  pageNum: number;
  pageSize: number;
  status?: PublicTaskStatus;
  /** A stable model name (aliases already normalised). */
  model?: string;
  taskIds?: string[];
}

export const MAX_PAGE_SIZE = 500;
/** page_num × page_size stays far inside both engines' OFFSET range (docs/contract.md §10). */
export const MAX_PAGE_NUM = 1_000_000;
export const DEFAULT_PAGE_SIZE = 20;

/** Seed §7 query: page_num, page_size, filter.status, filter.model (stable or alias), filter.task_ids. */
export function parseListQuery(raw: Record<string, unknown>): ListTasksQuery {
  const query: ListTasksQuery = {
    pageNum: intParam(raw.page_num, 'page_num', 1, MAX_PAGE_NUM, 1),
    pageSize: intParam(raw.page_size, 'page_size', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
  };
  const status = one(raw['filter.status']);
  if (status !== undefined && status !== '') {
    if (!TASK_STATUSES.includes(status as PublicTaskStatus)) {
      throw DomainError.invalid('filter.status', `filter.status must be one of ${TASK_STATUSES.join(', ')}.`);
    }
    query.status = status as PublicTaskStatus;
  }
  const model = one(raw['filter.model']);
  if (model !== undefined && model !== '') {
    const stable = typeof model === 'string' ? stableNameOf(model) : undefined;
    if (!stable)
      throw DomainError.invalid(
        'filter.model',
        `filter.model \`${typeof model === 'string' ? model : JSON.stringify(model)}\` is not a model name; use a stable name such as dreamina-seedance-2-0.`,
      );
    query.model = stable;
  }
  const ids = raw['filter.task_ids'];
  if (ids !== undefined) {
    const list = (Array.isArray(ids) ? ids : [ids])
      .flatMap((v) => String(v).split(','))
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length > MAX_PAGE_SIZE) throw DomainError.invalid('filter.task_ids', `at most ${MAX_PAGE_SIZE} task ids.`);
    if (list.length > 0) query.taskIds = [...new Set(list)];
  }
  return query;
}

/** A repeated query parameter counts once: its last value. */
function one(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function intParam(raw: unknown, name: string, min: number, max: number, fallback: number): number {
  const value = one(raw);
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw DomainError.invalid(name, `The parameter \`${name}\` specified in the request is not valid: must be an integer from ${min} to ${max}.`);
  }
  return n;
}
