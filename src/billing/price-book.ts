import type { EntityManager } from 'typeorm';
import { PriceEntity } from './price.entity';

/**
 * The price versions of each SKU, read once within one transaction, for settling many tasks in it (the background
 * sync's group commit): the same answer as a lookup per task — the version in force when the task was created, the
 * latest added first among versions of the same moment — with one query per SKU instead of one per task.
 */
export class PriceBook {
  private readonly versions = new Map<string, Promise<PriceEntity[]>>();

  constructor(private readonly manager: EntityManager) {}

  async at(sku: string, at: number): Promise<PriceEntity> {
    let all = this.versions.get(sku);
    if (!all) {
      all = this.manager.getRepository(PriceEntity).find({ where: { sku }, order: { effectiveFrom: 'DESC', createdAt: 'DESC' } });
      this.versions.set(sku, all);
    }
    const row = (await all).find((p) => p.effectiveFrom <= at);
    if (!row) throw new Error(`no price for ${sku} at ${at}`);
    return row;
  }
}
