/**
 * Whether an error means "the database cannot be reached" (docs/contract.md §9: answered 503 with Retry-After, fast), as
 * opposed to a query the database refused. Covers the PostgreSQL driver (refused, reset or timed-out connections,
 * SQLSTATE class 08 and the shutdown/starting codes), TypeORM's own "not connected" errors, and a closed SQLite
 * handle. Walks `driverError` and `cause` chains.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
/** SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300']);
const SQLITE_UNAVAILABLE = new Set(['SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_NOTADB']);
const TYPEORM_NOT_CONNECTED = new Set(['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError', 'DriverNotInitialized', 'QueryRunnerAlreadyReleasedError']);
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /the database connection is not open/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /client was closed and is not queryable/i,
  /query read timeout/i,
  /connection is not established/i,
];

export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { name?: unknown; code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    const code = typeof e.code === 'string' ? e.code : '';
    if (NETWORK_CODES.has(code) || PG_UNAVAILABLE.has(code) || (code.startsWith('08') && code.length === 5) || SQLITE_UNAVAILABLE.has(code)) return true;
    if (typeof e.name === 'string' && TYPEORM_NOT_CONNECTED.has(e.name)) return true;
    if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
    current = e.driverError ?? e.cause;
  }
  return false;
}
