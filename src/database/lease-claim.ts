import type { ObjectLiteral, Repository } from 'typeorm';
import { columnList, hydrateRow } from './row-reader';
import { returnedRows } from './row-writer';

/** Which rows a background job may lease, and in what order. */
export interface LeaseClaim {
  owner: string;
  now: number;
  leaseUntil: number;
  limit: number;
  /** SQL over alias `d` choosing the due rows (their lease is checked here too). */
  due: string;
  /** Named parameters of `due` (besides `now`). */
  params?: Record<string, unknown>;
  /** Column (of alias `d`) the oldest-first order is by. */
  orderBy: string;
  /** Extra condition, without alias, the row must still meet when it is leased (a status that may have changed). */
  stillDue?: string;
}

/**
 * The one way background jobs lease rows across instances (status sync, task and asset reconciliation): a
 * conditional update of `lease_owner`/`lease_until` over the due rows whose lease is free or expired — with
 * `FOR UPDATE SKIP LOCKED` on PostgreSQL so concurrent instances never wait on, or take, each other's rows —
 * then the rows this owner now holds. `write` runs the update (serialised with transactions on SQLite).
 */
export async function claimLeased<T extends ObjectLiteral>(
  repo: Repository<T>,
  write: <R>(work: () => Promise<R>) => Promise<R>,
  claim: LeaseClaim,
): Promise<T[]> {
  if (claim.limit <= 0) return [];
  const due = repo
    .createQueryBuilder('d')
    .select('d.id')
    .where(claim.due)
    .andWhere('(d.lease_until IS NULL OR d.lease_until < :now)')
    .orderBy(claim.orderBy, 'ASC')
    .limit(claim.limit);
  if (repo.manager.connection.options.type === 'postgres') due.setLock('pessimistic_write').setOnLocked('skip_locked');
  const update = repo
    .createQueryBuilder()
    .update(repo.target)
    .set({ leaseOwner: claim.owner, leaseUntil: claim.leaseUntil } as never)
    .where(`id IN (${due.getQuery()})`)
    .andWhere('(lease_until IS NULL OR lease_until < :now)');
  if (claim.stillDue) update.andWhere(claim.stillDue);
  const [sql, params] = update.setParameters({ now: claim.now, ...claim.params, ...due.getParameters() }).getQueryAndParameters();
  // The leased rows come back from the UPDATE itself (both engines): no second read, which no index would serve.
  const result: unknown = await write(() => repo.query(`${sql} RETURNING ${columnList(repo)}`, params));
  return returnedRows(result).map((raw) => hydrateRow(repo, raw));
}
