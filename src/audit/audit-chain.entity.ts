import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The chain's head: one row, locked while an event is appended, so the chain has one order on every instance. */
@Entity({ name: 'audit_chain' })
export class AuditChainEntity {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'last_hash', type: 'varchar', length: 64 })
  lastHash: string;
}
