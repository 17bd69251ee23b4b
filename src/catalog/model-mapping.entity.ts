import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** An admin's pin of a stable model to an exact upstream model version or endpoint id. */
@Entity({ name: 'model_mappings' })
export class ModelMappingEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  model: string;

  @Column({ name: 'upstream_model', type: 'varchar', length: 200 })
  upstreamModel: string;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
