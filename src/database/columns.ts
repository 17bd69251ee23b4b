import { ValueTransformer } from 'typeorm';

/**
 * Times are stored as integer epoch milliseconds (`bigint`), the one representation that reads the
 * same on SQLite and PostgreSQL (which hands bigint back as a string).
 */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};
