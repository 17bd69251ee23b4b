import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';

/**
 * A private database for one test file: SQLite in memory by default, or — when DATABASE_URL names a
 * PostgreSQL server — a fresh schema on it, dropped afterwards. An unreachable server fails the suite.
 */
export interface TestDatabase {
  config: DatabaseConfig;
  engine: 'sqlite' | 'postgres';
  drop(): Promise<void>;
}

export async function createTestDatabase(opts: { shareable?: boolean } = {}): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url || url.startsWith('sqlite:')) {
    if (!opts.shareable) return { config: { type: 'sqlite', path: ':memory:' }, engine: 'sqlite', drop: async () => undefined };
    // Several gateway instances on one database: a SQLite file (WAL) they all open.
    const dir = mkdtempSync(join(tmpdir(), 'arkgate-'));
    return { config: { type: 'sqlite', path: join(dir, 'shared.sqlite') }, engine: 'sqlite', drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.end();
  return {
    config: { type: 'postgres', url, schema },
    engine: 'postgres',
    drop: async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

/** A migrated DataSource on a private database, for medium tests of repositories and services. */
export async function openMigratedDataSource(): Promise<{ ds: DataSource; db: TestDatabase; close(): Promise<void> }> {
  const db = await createTestDatabase();
  const ds = new DataSource(dataSourceOptions(db.config));
  await ds.initialize();
  await ds.runMigrations();
  return {
    ds,
    db,
    close: async () => {
      await ds.destroy();
      await db.drop();
    },
  };
}
