/**
 * The databases the benchmark's gateways run on: SQLite files in the run's temporary directory, and — with
 * BENCH_DATABASE_URL=postgres://… — fresh schemas on that PostgreSQL server (dropped at the end of the run), so every
 * scenario can be measured on both engines in one run.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DatabaseConfig } from '../src/config/app-config';

export type BenchEngine = 'SQLite' | 'PostgreSQL';

export interface BenchDatabases {
  engine: BenchEngine;
  /** A new, empty database for one gateway (`name` says which scenario it is for). */
  fresh(name: string): Promise<DatabaseConfig>;
  /** Where a database is, for the log. */
  describe(db: DatabaseConfig): string;
  /** Drops what `fresh` made (PostgreSQL schemas; SQLite files go with the temporary directory). */
  dispose(): Promise<void>;
}

export function sqliteDatabases(dir: string): BenchDatabases {
  return {
    engine: 'SQLite',
    fresh: async (name) => ({ type: 'sqlite', path: join(dir, `${name}.sqlite`) }),
    describe: (db) => (db.type === 'sqlite' ? db.path : db.url),
    dispose: async () => undefined,
  };
}

export function postgresDatabases(url: string): BenchDatabases {
  const schemas: string[] = [];
  const withClient = async <T>(work: (c: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    engine: 'PostgreSQL',
    fresh: async (name) => {
      const schema = `bench_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
      await withClient((c) => c.query(`CREATE SCHEMA "${schema}"`));
      schemas.push(schema);
      return { type: 'postgres', url, schema };
    },
    describe: (db) => (db.type === 'postgres' ? `${db.url.replace(/\/\/[^@]*@/, '//')} schema ${db.schema}` : db.path),
    dispose: async () => {
      if (schemas.length === 0) return;
      await withClient(async (c) => {
        for (const schema of schemas.splice(0)) await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      });
    },
  };
}
