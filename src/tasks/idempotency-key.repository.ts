import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { TenantScopedRepository } from '../database/tenant-scoped.repository';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

@Injectable()
export class IdempotencyKeyRepository extends TenantScopedRepository<IdempotencyKeyEntity> {
  constructor(@InjectRepository(IdempotencyKeyEntity) repo: Repository<IdempotencyKeyEntity>) {
    super(repo);
  }

  async findKey(tenantId: TenantId, key: string): Promise<IdempotencyKeyEntity | null> {
    return this.findOne(tenantId, { key });
  }

  async release(tenantId: TenantId, key: string, taskRef: string): Promise<void> {
    await this.write(() => this.repo.delete(this.scoped(tenantId, { key, taskRef })));
  }

  /** Frees whatever key is bound to this task record (its create was refused or never made). */
  async releaseForTask(tenantId: TenantId, taskRef: string): Promise<void> {
    await this.write(() => this.repo.delete(this.scoped(tenantId, { taskRef })));
  }

  async forgetExpired(tenantId: TenantId, key: string, before: number): Promise<void> {
    await this.write(() => this.repo.delete(this.scoped(tenantId, { key, createdAt: LessThan(before) })));
  }
}
