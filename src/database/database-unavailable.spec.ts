import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['the pool giving up on connecting', new Error('timeout exceeded when trying to connect')],
    ['the server going away mid-query', new Error('Connection terminated unexpectedly')],
    [
      'an administrator shutting the server down',
      new QueryFailedError('SELECT 1', [], withCode('terminating connection due to administrator command', '57P01')),
    ],
    ['a class 08 SQLSTATE', withCode('connection failure', '08006')],
    ['a closed SQLite handle', new TypeError('The database connection is not open')],
    ['an error whose cause is a refused connection', new Error('query failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
  ])('is true for %s', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], withCode('duplicate key value violates unique constraint', '23505'))],
    ['a syntax error', new QueryFailedError('SELEC 1', [], withCode('syntax error at or near "SELEC"', '42601'))],
    ['a SQLite constraint', new QueryFailedError('INSERT', [], withCode('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE'))],
    ['a plain programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a non-error', 'boom'],
  ])('is false for %s', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
