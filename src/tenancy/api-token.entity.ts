import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Role } from '../common/tenant-identity/tenant-context';
import { epochMs } from '../database/columns';

/** A bearer token; only its SHA-256 is kept, the token itself is shown once. */
@Entity({ name: 'api_tokens' })
@Index('idx_api_tokens_tenant', ['tenantId'])
export class ApiTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** null for admin and auditor tokens. */
  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId: string | null;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  /** The first characters of the token, to recognise it in listings. */
  @Column({ name: 'token_prefix', type: 'varchar', length: 16 })
  tokenPrefix: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt: number | null;
}
