import { QueryFailedError } from 'typeorm';

/** True for a unique/primary-key violation on PostgreSQL (23505) or SQLite (SQLITE_CONSTRAINT_*). */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const code = (err.driverError as { code?: string } | undefined)?.code ?? '';
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
