import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The chain's head: one row, locked while an event is appended, so the chain has one order on every instance. */
@Entity({ name: 'audit_chain' })
export class AuditChainEntity {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'last_hash', type: 'varchar', length: 64 })
  lastHash: string;

  /** With ARKGATE_AUDIT_KEY: every event from this seq on is keyed. Set once, when a keyed gateway first starts. */
  @Column({ name: 'keyed_from_seq', type: 'integer', nullable: true })
  keyedFromSeq: number | null;

  /** HMAC of `keyedFromSeq` with the key, so a writer without the key cannot move or forge it. */
  @Column({ name: 'key_mark', type: 'varchar', length: 64, nullable: true })
  keyMark: string | null;
}
