import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { compareToBaseline, knownViolations } from './baseline';

/**
 * The import-graph rules of .dependency-cruiser.cjs (feature modules do not import each other's entities or
 * repositories, common/ and config/ import no feature module, migrations import only typeorm, libs/ never
 * imports src/), checked against the baseline of violations the code has today.
 */
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Cruise {
  summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number };
}

function cruise(): Cruise {
  const run = spawnSync(process.execPath, [CLI, 'src', 'libs', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // The CLI exits non-zero when it finds violations; only a run without a JSON report is a failure to run.
  if (!run.stdout.trim().startsWith('{')) throw new Error(`dependency-cruiser did not run: ${run.stderr || run.error?.message}`);
  return JSON.parse(run.stdout) as Cruise;
}

describe('the import graph', () => {
  let result: Cruise;
  beforeAll(() => {
    result = cruise();
  }, 60_000);

  it('cruises the whole gateway and its libraries', () => {
    expect(result.summary.totalCruised).toBeGreaterThan(100);
  });

  it('has no violation beyond the known ones, and every known one is still there', () => {
    const found = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    const diff = compareToBaseline(found, knownViolations('imports'));
    expect(diff).toEqual({ newViolations: [], fixedButStillListed: [] });
  });
});
