import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';
import type { HashKind } from './audit-hash';

/** One append-only audit event; `hash` covers every other field (but its kind) and the previous event's hash. */
@Entity({ name: 'audit_events' })
@Index('idx_audit_tenant_seq', ['tenantId', 'seq'])
@Index('idx_audit_occurred', ['occurredAt'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'varchar', length: 36, unique: true })
  id: string;

  @Column({ name: 'occurred_at', type: 'bigint', transformer: epochMs })
  occurredAt: number;

  @Column({ name: 'actor_token_id', type: 'varchar', length: 64, nullable: true })
  actorTokenId: string | null;

  @Column({ name: 'actor_role', type: 'varchar', length: 16, nullable: true })
  actorRole: string | null;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'target_id', type: 'varchar', length: 200, nullable: true })
  targetId: string | null;

  @Column({ name: 'outcome_status', type: 'integer' })
  outcomeStatus: number;

  @Column({ name: 'error_code', type: 'varchar', length: 128, nullable: true })
  errorCode: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId: string;

  @Column({ name: 'client_ip', type: 'varchar', length: 64 })
  clientIp: string;

  @Column({ type: 'simple-json' })
  properties: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;

  /** Plain SHA-256, or HMAC-SHA256 with ARKGATE_AUDIT_KEY. */
  @Column({ name: 'hash_kind', type: 'varchar', length: 16, default: 'sha256' })
  hashKind: HashKind;
}
