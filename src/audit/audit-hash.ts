import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json';

/** The first event's prev_hash. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  id: string;
  occurredAt: number;
  actorTokenId: string | null;
  actorRole: string | null;
  tenantId: string | null;
  action: string;
  targetId: string | null;
  outcomeStatus: number;
  errorCode: string | null;
  requestId: string;
  clientIp: string;
  properties: Record<string, unknown>;
  prevHash: string;
}

/**
 * How an event's hash was made: plain SHA-256 (anyone can recompute it), or HMAC-SHA256 with
 * ARKGATE_AUDIT_KEY (only a holder of the key can). Stored on every event, so a chain begun without a
 * key and continued with one still verifies.
 */
export type HashKind = 'sha256' | 'hmac-sha256';
export const HASH_KINDS: readonly HashKind[] = ['sha256', 'hmac-sha256'];

/** SHA-256 over the previous hash and every field of the event: change any of them and the link breaks. */
export function eventHash(e: HashedFields): string {
  return createHash('sha256').update(hashedText(e)).digest('hex');
}

/** The same text under HMAC-SHA256 with the audit key, prefixed with its kind so it can never pass for a plain hash's input. */
export function keyedEventHash(e: HashedFields, key: string): string {
  return createHmac('sha256', key)
    .update(`hmac-sha256\n${hashedText(e)}`)
    .digest('hex');
}

/** What the chain head signs to say from which seq on every event is keyed; only a holder of the key can move it. */
export function keyMark(keyedFromSeq: number, key: string): string {
  return createHmac('sha256', key).update(`arkgate-audit-keyed-from\n${keyedFromSeq}`).digest('hex');
}

function hashedText(e: HashedFields): string {
  const body = canonicalJson({
    id: e.id,
    occurred_at: e.occurredAt,
    actor_token_id: e.actorTokenId,
    actor_role: e.actorRole,
    tenant_id: e.tenantId,
    action: e.action,
    target_id: e.targetId,
    outcome_status: e.outcomeStatus,
    error_code: e.errorCode,
    request_id: e.requestId,
    client_ip: e.clientIp,
    properties: e.properties,
  });
  return `${e.prevHash}\n${body}`;
}
