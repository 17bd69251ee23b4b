/** The query of `GET /v1/videos` (docs/contract.md §11), read from the raw query string. */
import { DomainError } from '../../common/errors/domain-error';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export interface ListVideosQuery {
  limit: number;
  order: 'asc' | 'desc';
  /** A video id: the page starts after it. */
  afterId?: string;
}

/** `limit` (1–100, default 20), `order` (asc or desc, default desc), `after`: each given once. */
export function parseListVideosQuery(query: Record<string, unknown>): ListVideosQuery {
  const limit = parseLimit(query.limit);
  const order = parseOrder(query.order);
  const afterId = stringParam(query.after, 'after');
  return { limit, order, afterId };
}

/** A parameter given at most once (a repeated one arrives as an array). */
export function stringParam(raw: unknown, name: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw DomainError.invalid(name, `${name} must be given once, as a string.`);
  return raw;
}

function parseLimit(raw: unknown): number {
  const value = stringParam(raw, 'limit');
  if (value === undefined) return DEFAULT_LIMIT;
  const n = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw DomainError.invalid('limit', `limit must be an integer from 1 to ${MAX_LIMIT}.`);
  return n;
}

function parseOrder(raw: unknown): 'asc' | 'desc' {
  const value = stringParam(raw, 'order') ?? 'desc';
  if (value !== 'asc' && value !== 'desc') throw DomainError.invalid('order', 'order must be asc or desc.');
  return value;
}
