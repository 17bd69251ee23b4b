/**
 * Judges the audit chain event by event, in seq order, and names the first broken link and what broke it
 * (docs/contract.md §10):
 * - `removed`: an event's prev_hash is not the previous event's hash (an event was deleted or reordered);
 * - `edited`: an event's hash does not match its content under its own hash kind;
 * - `re-chained`: the hashes are consistent as plain SHA-256, but the key says they are not ours: an event
 *   marked keyed whose hash is a plain SHA-256, or a plain event where the key was already in use (after a
 *   keyed event, or at or after the seq the chain head's key mark names). A database writer without
 *   ARKGATE_AUDIT_KEY who edits an event and recomputes the chain after it is caught here;
 * - `truncated`: the newest events are gone (the head's last hash is not the last event's).
 * Without the key, keyed events are checked for their links only (counted as unverified), and a plain event
 * after a keyed one is still a downgrade. Pure: the caller feeds events and the head.
 */
import { eventHash, GENESIS_HASH, HashedFields, keyedEventHash } from './audit-hash';

export type ChainBreakKind = 'edited' | 'removed' | 're-chained' | 'truncated';

export interface ChainBreak {
  seq: number;
  id: string;
  kind: ChainBreakKind;
  reason: string;
}

export interface StoredEvent extends HashedFields {
  seq: number;
  hash: string;
  hashKind: string;
}

export class AuditChainVerifier {
  private prev = GENESIS_HASH;
  private lastSeq = 0;
  private keyedSeen = false;
  checked = 0;
  unverified = 0;

  /**
   * @param key ARKGATE_AUDIT_KEY, when configured.
   * @param keyedFromSeq from the chain head, only once its key mark has been checked with `key`.
   */
  constructor(
    private readonly key: string | undefined,
    private readonly keyedFromSeq: number | null,
  ) {}

  /** The break this event shows, or null when its link holds (then the next event is judged against it). */
  next(e: StoredEvent): ChainBreak | null {
    if (e.prevHash !== this.prev) return broken(e, 'removed', 'prev_hash does not match the previous event (an event was removed or reordered)');
    const plainMatches = eventHash(e) === e.hash;
    if (e.hashKind === 'hmac-sha256') {
      if (this.key === undefined) {
        this.unverified += 1;
      } else if (keyedEventHash(e, this.key) !== e.hash) {
        return plainMatches
          ? broken(
              e,
              're-chained',
              'the event was changed after it was written and its hash recomputed without ARKGATE_AUDIT_KEY (a plain SHA-256 where the keyed hash belongs)',
            )
          : broken(
              e,
              'edited',
              'the event was changed after it was written (its keyed hash does not match; or ARKGATE_AUDIT_KEY is not the key it was written with)',
            );
      }
      this.keyedSeen = true;
    } else if (e.hashKind === 'sha256') {
      if (!plainMatches) return broken(e, 'edited', 'the event was changed after it was written (its hash does not match its content)');
      if (this.keyedSeen || (this.keyedFromSeq !== null && e.seq >= this.keyedFromSeq)) {
        const since =
          this.keyedFromSeq !== null && e.seq >= this.keyedFromSeq ? ` (every event from seq ${this.keyedFromSeq} on is keyed)` : ' (after a keyed event)';
        return broken(
          e,
          're-chained',
          `a plain SHA-256 hash where the chain is keyed${since}: the event was changed or the chain re-computed by a writer without ARKGATE_AUDIT_KEY`,
        );
      }
    } else {
      return broken(e, 'edited', `the event was changed after it was written (unknown hash kind "${e.hashKind}")`);
    }
    this.prev = e.hash;
    this.lastSeq = e.seq;
    this.checked += 1;
    return null;
  }

  /** After the last event: the head must point at it. */
  end(headLastHash: string | undefined): ChainBreak | null {
    if (headLastHash !== undefined && headLastHash !== this.prev) {
      return { seq: this.lastSeq + 1, id: '', kind: 'truncated', reason: 'events at the end of the chain are missing' };
    }
    return null;
  }
}

function broken(e: StoredEvent, kind: ChainBreakKind, reason: string): ChainBreak {
  return { seq: e.seq, id: e.id, kind, reason };
}
