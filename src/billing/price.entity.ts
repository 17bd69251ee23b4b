import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintString, epochMs } from '../database/columns';

/** One version of a SKU's price. Versions are only ever added; a task is charged at the version in force when it was created. */
@Entity({ name: 'prices' })
@Index('idx_prices_sku_effective', ['sku', 'effectiveFrom'])
export class PriceEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  sku: string;

  /** nano-USD per million tokens (integer, kept as a decimal string to stay exact on every engine). */
  @Column({ name: 'nano_per_million', type: 'bigint', transformer: bigintString })
  nanoPerMillion: string;

  @Column({ name: 'effective_from', type: 'bigint', transformer: epochMs })
  effectiveFrom: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
