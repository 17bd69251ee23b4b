import { createHash } from 'node:crypto';
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


/** SHA-256 over the previous hash and every field of the event: change any of them and the link breaks. */
export function eventHash(e: HashedFields): string {
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
  return createHash('sha256').update(`${e.prevHash}\n${body}`).digest('hex');
}
