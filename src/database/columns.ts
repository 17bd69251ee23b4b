import { ValueTransformer } from 'typeorm';

/**
 * Times are stored as integer epoch milliseconds (`bigint`), the one representation that reads the
 * same on SQLite and PostgreSQL (which hands bigint back as a string).
 */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

/** Exact integers (money, tokens) as decimal strings on both engines (SQLite returns numbers, PostgreSQL strings). */
export const bigintString: ValueTransformer = {
  to: (value: string | bigint | number | null | undefined) => (value === null || value === undefined ? value : String(value)),
  from: (value: string | number | null) => (value === null || value === undefined ? null : String(value)),
};
