import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The checked-in list of architecture violations the code has today. It may only shrink: a new violation fails,
 * and so does a listed one that has gone (remove it from the file, so it cannot come back unnoticed).
 */
export const BASELINE_FILE = join(__dirname, 'known-violations.json');

export function knownViolations(section: 'imports' | 'injectedRepositories'): string[] {
  const all = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Record<string, string[]>;
  return all[section] ?? [];
}

/** What differs between the violations found and the baseline, as two sorted lists. */
export function compareToBaseline(found: string[], known: string[]): { newViolations: string[]; fixedButStillListed: string[] } {
  const f = new Set(found);
  const k = new Set(known);
  return { newViolations: [...f].filter((v) => !k.has(v)).sort(), fixedButStillListed: [...k].filter((v) => !f.has(v)).sort() };
}
