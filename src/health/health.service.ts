import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { DATABASE_RETRY_AFTER_S } from '../common/errors/native-error.filter';
import { ShutdownState } from '../common/lifecycle/shutdown-state';
import { RedisConnection, RedisState } from '../common/redis/redis-connection';

/** How long the database may take to answer `SELECT 1` before readiness calls it down. */
const DATABASE_CHECK_MS = 2000;

export interface Readiness {
  status: 'ready' | 'not_ready';
  database: 'ok' | 'down';
  redis: RedisState;
  draining: boolean;
}

/**
 * Readiness (docs/contract.md §9): 503 while the database does not answer or the instance is shutting down. Redis being down
 * keeps the instance ready — it serves with in-process rate limits — and shows as `redis: "down"`.
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly db: DataSource,
    private readonly shutdown: ShutdownState,
    private readonly redis: RedisConnection,
  ) {}

  async ready(): Promise<Readiness> {
    const [database, redis] = await Promise.all([this.database(), this.redisState()]);
    const draining = this.shutdown.draining;
    const report: Readiness = { status: database === 'ok' && !draining ? 'ready' : 'not_ready', database, redis, draining };
    if (draining) throw new DomainError('service_unavailable', 'This instance is shutting down.', '', {}, { ...report });
    if (database === 'down') {
      throw new DomainError('database_unavailable', 'The database is not reachable.', '', { 'Retry-After': String(DATABASE_RETRY_AFTER_S) }, { ...report });
    }
    return report;
  }

  private async database(): Promise<'ok' | 'down'> {
    if (!this.db.isInitialized) return 'down';
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([this.db.query('SELECT 1'), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), DATABASE_CHECK_MS)))]);
      return 'ok';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }

  /** Asks Redis (within its command deadline) rather than trusting the last call, so an idle instance reports truly. */
  private async redisState(): Promise<RedisState> {
    if (this.redis.state === 'not_configured') return 'not_configured';
    const answer = await this.redis.attempt((r) => r.ping(), { countFallback: false });
    return answer.ok ? 'ok' : 'down';
  }
}
