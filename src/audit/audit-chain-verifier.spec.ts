import { AuditChainVerifier, StoredEvent } from './audit-chain-verifier';
import { eventHash, GENESIS_HASH, HashKind, keyedEventHash } from './audit-hash';

const KEY = 'k'.repeat(32);

/** A chain of `kinds.length` events, each hashed as its kind says. */
function chain(kinds: HashKind[], key = KEY): StoredEvent[] {
  const out: StoredEvent[] = [];
  let prev = GENESIS_HASH;
  kinds.forEach((kind, i) => {
    const fields = {
      id: `e${i + 1}`,
      occurredAt: 1781181681000 + i,
      actorTokenId: 't',
      actorRole: 'admin',
      tenantId: null,
      action: 'tenant.create',
      targetId: `x${i}`,
      outcomeStatus: 201,
      errorCode: null,
      requestId: `r${i}`,
      clientIp: '127.0.0.1',
      properties: { n: i },
      prevHash: prev,
    };
    const hash = kind === 'hmac-sha256' ? keyedEventHash(fields, key) : eventHash(fields);
    out.push({ ...fields, seq: i + 1, hash, hashKind: kind });
    prev = hash;
  });
  return out;
}

/** What a database writer without the key can do: change event `at`, then recompute plain SHA-256 hashes from there on. */
function editAndRechain(events: StoredEvent[], at: number, keepKind: boolean): StoredEvent[] {
  const out = events.map((e) => ({ ...e }));
  out[at].properties = { n: 'forged' };
  for (let i = at; i < out.length; i++) {
    if (i > at) out[i].prevHash = out[i - 1].hash;
    out[i].hash = eventHash(out[i]);
    if (!keepKind) out[i].hashKind = 'sha256';
  }
  return out;
}

function run(events: StoredEvent[], key: string | undefined, keyedFrom: number | null, head?: string) {
  const v = new AuditChainVerifier(key, keyedFrom);
  for (const e of events) {
    const problem = v.next(e);
    if (problem) return { problem, v };
  }
  return { problem: v.end(head ?? events[events.length - 1]?.hash), v };
}

describe('audit chain verification (issue 9, finding 10)', () => {
  it('an intact keyed chain, and one begun plain and continued keyed, verify', () => {
    expect(run(chain(['hmac-sha256', 'hmac-sha256']), KEY, 1).problem).toBeNull();
    expect(run(chain(['sha256', 'sha256', 'hmac-sha256', 'hmac-sha256']), KEY, 3).problem).toBeNull();
  });

  it('an edit re-chained as plain SHA-256 is reported as re-chained at the edited event, with the key', () => {
    const events = editAndRechain(chain(['sha256', 'hmac-sha256', 'hmac-sha256', 'hmac-sha256']), 2, false);
    expect(run(events, KEY, 2).problem).toMatchObject({ seq: 3, kind: 're-chained' });
  });

  it('the same when the writer leaves the events marked keyed', () => {
    const events = editAndRechain(chain(['hmac-sha256', 'hmac-sha256', 'hmac-sha256']), 1, true);
    expect(run(events, KEY, 1).problem).toMatchObject({ seq: 2, kind: 're-chained' });
  });

  it('downgrading every keyed event is caught by the key mark', () => {
    const events = editAndRechain(chain(['hmac-sha256', 'hmac-sha256']), 0, false);
    expect(run(events, KEY, 1).problem).toMatchObject({ seq: 1, kind: 're-chained' });
  });

  it('a plain event after a keyed one is a downgrade even without the key', () => {
    const events = editAndRechain(chain(['sha256', 'hmac-sha256', 'hmac-sha256']), 2, false);
    expect(run(events, undefined, null).problem).toMatchObject({ seq: 3, kind: 're-chained' });
  });

  it('an edit without re-hashing is edited; a deletion is removed; a lost tail is truncated', () => {
    const edited = chain(['hmac-sha256', 'hmac-sha256', 'hmac-sha256']);
    edited[1].outcomeStatus = 500;
    expect(run(edited, KEY, 1).problem).toMatchObject({ seq: 2, kind: 'edited' });
    const plainEdited = chain(['sha256', 'sha256']);
    plainEdited[0].action = 'other';
    expect(run(plainEdited, undefined, null).problem).toMatchObject({ seq: 1, kind: 'edited' });
    const removed = chain(['hmac-sha256', 'hmac-sha256', 'hmac-sha256']);
    expect(run([removed[0], removed[2]], KEY, 1).problem).toMatchObject({ seq: 3, kind: 'removed' });
    const full = chain(['sha256', 'sha256', 'sha256']);
    expect(run(full.slice(0, 2), undefined, null, full[2].hash).problem).toMatchObject({ seq: 3, kind: 'truncated' });
  });

  it('a different key reads keyed events as edited', () => {
    expect(run(chain(['hmac-sha256']), 'another-key-of-enough-length', 1).problem).toMatchObject({ seq: 1, kind: 'edited' });
  });

  it('without the key, keyed events are checked for their links only, and counted', () => {
    const events = chain(['sha256', 'hmac-sha256', 'hmac-sha256']);
    const { problem, v } = run(events, undefined, null);
    expect(problem).toBeNull();
    expect(v.unverified).toBe(2);
    const edited = chain(['sha256', 'hmac-sha256']);
    edited[1].outcomeStatus = 500;
    expect(run(edited, undefined, null).problem).toBeNull();
  });

  it('without any key, an edit re-chained as plain SHA-256 cannot be told from the original (why the key exists)', () => {
    const events = editAndRechain(chain(['sha256', 'sha256', 'sha256']), 1, false);
    expect(run(events, undefined, null).problem).toBeNull();
  });

  it('an unknown hash kind is an edit', () => {
    const events = chain(['sha256']);
    events[0].hashKind = 'md5';
    expect(run(events, undefined, null).problem).toMatchObject({ kind: 'edited' });
  });
});
