import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Like, Repository } from 'typeorm';
import { ApiTokenEntity } from './api-token.entity';

/** The columns of a new token row. */
export type NewApiToken = Pick<ApiTokenEntity, 'id' | 'tenantId' | 'role' | 'name' | 'tokenHash' | 'tokenPrefix' | 'createdAt' | 'revokedAt'>;

/**
 * API tokens (tenant and staff): bearer lookups by hash, the admin listing, issue and revoke. Tokens are not read per
 * tenant by a tenant (authentication finds the tenant from the token), so this is not a tenant-scoped repository.
 * Writes are made inside the caller's transaction (`using(manager)`), with the change's audit event.
 */
@Injectable()
export class ApiTokenRepository {
  constructor(@InjectRepository(ApiTokenEntity) private readonly repo: Repository<ApiTokenEntity>) {}

  /** The same repository working inside the caller's transaction. */
  using(manager: EntityManager): this {
    const bound = Object.create(this) as this;
    (bound as unknown as { repo: Repository<ApiTokenEntity> }).repo = manager.getRepository(ApiTokenEntity);
    return bound;
  }

  /** The live (not revoked) token with this hash: what a bearer token authenticates as. */
  findLiveByHash(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.repo.findOne({ where: { tokenHash, revokedAt: IsNull() } });
  }

  /** The token with this hash, live or revoked. */
  findByHash(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.repo.findOne({ where: { tokenHash } });
  }

  findById(id: string): Promise<ApiTokenEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  hashExists(tokenHash: string): Promise<boolean> {
    return this.repo.exists({ where: { tokenHash } });
  }

  idExists(id: string): Promise<boolean> {
    return this.repo.exists({ where: { id } });
  }

  /** Every token, or one tenant's, oldest first. */
  list(tenantId?: string): Promise<ApiTokenEntity[]> {
    return this.repo.find({ where: tenantId ? { tenantId } : {}, order: { createdAt: 'ASC' } });
  }

  /** The live tokens whose id starts with `idPrefix` (the bootstrap admin tokens). */
  findLiveByIdPrefix(idPrefix: string): Promise<ApiTokenEntity[]> {
    return this.repo.find({ where: { id: Like(`${idPrefix}%`), revokedAt: IsNull() } });
  }

  /** A token row, not yet written. */
  build(fields: NewApiToken): ApiTokenEntity {
    return this.repo.create(fields);
  }

  async insert(row: ApiTokenEntity): Promise<void> {
    await this.repo.insert(row);
  }

  /** Marks the token revoked at `at`, whatever its state. */
  async revoke(id: string, at: number): Promise<void> {
    await this.repo.update({ id }, { revokedAt: at });
  }

  /** Marks the token revoked at `at` if it is still live; false when it was not (already revoked or gone). */
  async revokeIfLive(id: string, at: number): Promise<boolean> {
    const result = await this.repo.update({ id, revokedAt: IsNull() }, { revokedAt: at });
    return !!result.affected;
  }
}
