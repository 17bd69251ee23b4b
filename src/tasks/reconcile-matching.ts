/**
 * The matching rule of docs/contract.md §9, pure: which upstream task (if any) a create with an unknown outcome made.
 *
 * A record matches an upstream task that was created in the record's window (its creation − 5 s to + ARK_TIMEOUT_MS
 * + 2 × grace), that no record owns, and whose parameters equal what the record sent, with upstream defaults applied
 * where the record left a field out. Records and tasks that can match each other form groups; a group is decided
 * only when that is no guess:
 * - records of one tenant with interchangeable requests and exactly as many tasks → paired in creation order;
 * - the same, with fewer tasks, once every window has closed → paired in order, the rest were never made;
 * - one record, no task, its window closed → never made;
 * - anything else (tasks that could be another tenant's, more tasks than records, a record a live request is still
 *   answering) → undecided, left for a later round or the operator.
 */

/** What a record sent upstream, as the matcher needs it. */
export interface MatchRecord {
  id: string;
  tenantId: string;
  createdAt: number;
  upstreamModel: string;
  hasVideoInput: boolean;
  upstreamRequest: Record<string, unknown>;
  /** Claimed by this round (only those are decided; the others take part so that no task is given away twice). */
  claimed: boolean;
  /**
   * Still being answered by a live request (`submitting`, younger than the stale limit): its own answer will say
   * which task is its, so its group waits. Records whose outcome is already unknown do not hold a group back: the
   * rule is deterministic, so whoever decides them first pairs them the same way.
   */
  inFlight: boolean;
}

/** An upstream task as listed (the fields the rule compares). */
export interface MatchCandidate {
  id: string;
  created_at: number;
  [field: string]: unknown;
}

export type MatchDecision = { kind: 'attach'; taskId: string } | { kind: 'not_found' } | { kind: 'ambiguous'; taskIds: string[] } | { kind: 'pending' };

export interface MatchWindow {
  timeoutMs: number;
  graceMs: number;
}

const BEFORE_MS = 5000;

/** The end of a record's window: after it, no task it made can still appear. */
export function windowEnd(createdAt: number, w: MatchWindow): number {
  return createdAt + w.timeoutMs + 2 * w.graceMs;
}

export function windowStart(createdAt: number): number {
  return createdAt - BEFORE_MS;
}

/** Whether `task` could be the one `record` made (window and parameters). */
export function couldHaveMade(record: MatchRecord, task: MatchCandidate, w: MatchWindow): boolean {
  const at = task.created_at * 1000;
  // created_at has whole seconds: a task made within the record's first second shows up to 999 ms earlier.
  if (at < windowStart(record.createdAt) - 1000 || at > windowEnd(record.createdAt, w)) return false;
  if (typeof task.model === 'string' && task.model !== record.upstreamModel) return false;
  const sent = record.upstreamRequest;
  const draft = sent.draft === true;
  if (!draft && !same(task.resolution, sent.resolution ?? '720p')) return false;
  if (typeof sent.ratio === 'string' && sent.ratio !== 'adaptive' && !same(task.ratio, sent.ratio)) return false;
  // -1 lets the model choose; an omitted duration has no default both documented and stable, so neither is compared.
  if (typeof sent.duration === 'number' && sent.duration !== -1 && !same(task.duration, sent.duration)) return false;
  if (!same(task.generate_audio, sent.generate_audio ?? true)) return false;
  if (!same(task.service_tier, sent.service_tier ?? 'default')) return false;
  if (typeof sent.seed === 'number' && sent.seed !== -1 && !same(task.seed, sent.seed)) return false;
  if (sent.safety_identifier !== undefined && !same(task.safety_identifier, sent.safety_identifier)) return false;
  return true;
}

/** A task field equals what was sent (a field the listing does not report never disproves a match). */
function same(actual: unknown, expected: unknown): boolean {
  return actual === undefined || actual === expected;
}

/** What makes two records' upstream tasks indistinguishable (and equally priced). */
function signature(r: MatchRecord): string {
  const s = r.upstreamRequest;
  return JSON.stringify([
    r.tenantId,
    r.upstreamModel,
    r.hasVideoInput,
    s.resolution ?? null,
    s.ratio ?? null,
    s.duration ?? null,
    s.generate_audio ?? null,
    s.service_tier ?? null,
    s.seed ?? null,
    s.safety_identifier ?? null,
    s.draft ?? null,
  ]);
}

/**
 * Decides every claimed record. `candidates` are the upstream tasks no record owns; `records` are every open
 * record (unknown or submitting) whose window overlaps theirs; `listedAt` is when the listing began.
 */
export function matchRecords(records: MatchRecord[], candidates: MatchCandidate[], listedAt: number, w: MatchWindow): Map<string, MatchDecision> {
  const edges = new Map<string, MatchCandidate[]>();
  const byTask = new Map<string, MatchRecord[]>();
  for (const r of records) {
    const mine = candidates.filter((c) => couldHaveMade(r, c, w));
    edges.set(r.id, mine);
    for (const c of mine) byTask.set(c.id, [...(byTask.get(c.id) ?? []), r]);
  }

  const decisions = new Map<string, MatchDecision>();
  const seen = new Set<string>();
  for (const start of records) {
    if (seen.has(start.id)) continue;
    // The connected group of records and tasks that can match each other.
    const group: MatchRecord[] = [];
    const tasks = new Map<string, MatchCandidate>();
    const queue = [start];
    seen.add(start.id);
    while (queue.length > 0) {
      const r = queue.pop() as MatchRecord;
      group.push(r);
      for (const c of edges.get(r.id) ?? []) {
        tasks.set(c.id, c);
        for (const other of byTask.get(c.id) ?? []) {
          if (!seen.has(other.id)) {
            seen.add(other.id);
            queue.push(other);
          }
        }
      }
    }
    decideGroup(group, [...tasks.values()], listedAt, w, decisions);
  }
  return decisions;
}

function decideGroup(group: MatchRecord[], tasks: MatchCandidate[], listedAt: number, w: MatchWindow, out: Map<string, MatchDecision>): void {
  const claimed = group.filter((r) => r.claimed);
  if (claimed.length === 0) return;
  const ids = tasks.map((t) => t.id).sort();
  const undecided = (kind: 'ambiguous' | 'pending') => {
    for (const r of claimed) out.set(r.id, kind === 'ambiguous' ? { kind, taskIds: ids } : { kind });
  };
  const allClosed = group.every((r) => listedAt > windowEnd(r.createdAt, w));
  if (tasks.length === 0) {
    for (const r of claimed) out.set(r.id, listedAt > windowEnd(r.createdAt, w) ? { kind: 'not_found' } : { kind: 'pending' });
    return;
  }
  // A live request may still be answering one of these records: its own answer will say which task is whose.
  if (group.some((r) => r.inFlight && !r.claimed)) return undecided('pending');
  if (new Set(group.map(signature)).size > 1) {
    // Different tenants (or requests priced differently) could each own these tasks: never guessed.
    return undecided('ambiguous');
  }
  if (tasks.length > group.length) return undecided('ambiguous');
  if (tasks.length < group.length && !allClosed) return undecided('pending');
  const records = [...group].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const ordered = [...tasks].sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id));
  records.forEach((r, i) => {
    if (r.claimed) out.set(r.id, i < ordered.length ? { kind: 'attach', taskId: ordered[i].id } : { kind: 'not_found' });
  });
}
