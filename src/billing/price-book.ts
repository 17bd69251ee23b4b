import type { EntityManager } from 'typeorm';
import { PriceEntity } from './price.entity';

/**
 * The price versions of each SKU, read once, the first time the SKU is asked for: the same answer as a lookup per
 * task — the version in force at a moment, the latest added first among versions of the same moment — with one query
 * per SKU instead of one per task. Within one transaction, for settling many tasks in it (the background sync's group
 * commit); and on the root manager for the estimates of creates, for the window BillingService keeps one book
 * (PRICE_CACHE_MS). A read that fails is not kept.
 */
export class PriceBook {
  private readonly versions = new Map<string, Promise<PriceEntity[]>>();

  constructor(private readonly manager: EntityManager) {}

  async at(sku: string, at: number): Promise<PriceEntity> {
    let all = this.versions.get(sku);
    if (!all) {
      all = this.manager.getRepository(PriceEntity).find({ where: { sku }, order: { effectiveFrom: 'DESC', createdAt: 'DESC' } });
      this.versions.set(sku, all);
      all.catch(() => this.versions.delete(sku));
    }
    const row = (await all).find((p) => p.effectiveFrom <= at);
    if (!row) throw new Error(`no price for ${sku} at ${at}`);
    return row;
  }
}
