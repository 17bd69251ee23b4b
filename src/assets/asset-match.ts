import type { AssetSubmissionKind } from './asset-submission.entity';

/**
 * Which upstream object an asset-library create with an unknown outcome made (docs/contract.md §9, the task rule applied to
 * groups and assets). An upstream object matches a record when it has the same identifying parameters — group:
 * Name and Description; asset: GroupId, Name and AssetType — and was created from the record's creation − 5 s to
 * + ARK_TIMEOUT_MS + 60 s. Pure: no I/O.
 */
export const WINDOW_BEFORE_MS = 5_000;
export const WINDOW_AFTER_EXTRA_MS = 60_000;

export interface MatchWindow {
  from: number;
  to: number;
}

export function matchWindow(createdAt: number, timeoutMs: number): MatchWindow {
  return { from: createdAt - WINDOW_BEFORE_MS, to: createdAt + timeoutMs + WINDOW_AFTER_EXTRA_MS };
}

/** The identifying parameters of what was sent (the upstream request body). */
export function requestKey(kind: AssetSubmissionKind, sent: Record<string, unknown>): string {
  return kind === 'group'
    ? JSON.stringify(['group', str(sent.Name), str(sent.Description)])
    : JSON.stringify(['asset', str(sent.GroupId), str(sent.Name), str(sent.AssetType)]);
}

/** The same parameters as upstream lists them. */
export function upstreamKey(kind: AssetSubmissionKind, item: Record<string, unknown>): string {
  return requestKey(kind, item);
}

export interface OpenRecord {
  id: string;
  tenantId: string;
  createdAt: number;
  key: string;
}

export interface Candidate {
  id: string;
  createdAtMs: number;
  key: string;
}

export type MatchDecision = { kind: 'attach'; upstreamId: string } | { kind: 'none' } | { kind: 'ambiguous'; reason: string };

/**
 * Decides for `record` given upstream objects no record owns yet (`candidates`) and every open record of the same
 * kind around it (`open`, the record included). One candidate and no rival → attach. Rivals of one tenant with
 * identical parameters and as many candidates → paired by creation order. Rivals of another tenant → never
 * guessed. Anything else → ambiguous (left for later, then for the operator).
 */
export function decide(record: OpenRecord, candidates: Candidate[], open: OpenRecord[], timeoutMs: number): MatchDecision {
  const inWindow = (r: { createdAt: number }, c: Candidate) => {
    const w = matchWindow(r.createdAt, timeoutMs);
    return c.key === record.key && c.createdAtMs >= w.from && c.createdAtMs <= w.to;
  };
  const mine = candidates.filter((c) => inWindow(record, c)).sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
  if (mine.length === 0) return { kind: 'none' };
  const rivals = open
    .filter((r) => r.key === record.key && (r.id === record.id || mine.some((c) => inWindow(r, c))))
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  if (!rivals.some((r) => r.id === record.id)) rivals.push(record);
  if (rivals.some((r) => r.tenantId !== record.tenantId)) {
    return { kind: 'ambiguous', reason: 'an upstream object could belong to records of different tenants' };
  }
  if (mine.length === rivals.length) {
    return { kind: 'attach', upstreamId: mine[rivals.findIndex((r) => r.id === record.id)].id };
  }
  return { kind: 'ambiguous', reason: `${mine.length} upstream objects for ${rivals.length} records with the same parameters` };
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
