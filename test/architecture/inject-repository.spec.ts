import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';
import { compareToBaseline, knownViolations } from './baseline';

/**
 * `@InjectRepository(<tenant-owned entity>)` only in the owning module's repository (or named reader) file: every
 * other read or write of a tenant-owned table goes through the tenant-scoped repository. Tenant-owned entities are
 * the `@Entity` classes with a `tenantId` column. The import graph cannot see decorators, so this reads the source
 * with the TypeScript parser.
 */
const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

const decoratorName = (d: ts.Decorator): string | undefined =>
  ts.isCallExpression(d.expression) && ts.isIdentifier(d.expression.expression) ? d.expression.expression.text : undefined;

const decoratorsOf = (n: ts.Node): readonly ts.Decorator[] => (ts.canHaveDecorators(n) ? (ts.getDecorators(n) ?? []) : []);

interface Parsed {
  file: string;
  source: ts.SourceFile;
}

function parseAll(): Parsed[] {
  return sourceFiles(SRC).map((p) => ({
    file: relative(ROOT, p).split(sep).join('/'),
    source: ts.createSourceFile(p, readFileSync(p, 'utf8'), ts.ScriptTarget.ES2022, true),
  }));
}

/** Entity class name → the file that declares it, for entities with a decorated `tenantId` property. */
export function tenantOwnedEntities(files: Parsed[]): Map<string, string> {
  const owned = new Map<string, string>();
  for (const { file, source } of files) {
    source.forEachChild((n) => {
      if (!ts.isClassDeclaration(n) || !n.name || !decoratorsOf(n).some((d) => decoratorName(d) === 'Entity')) return;
      const hasTenantColumn = n.members.some(
        (m) => ts.isPropertyDeclaration(m) && m.name.getText(source) === 'tenantId' && decoratorsOf(m).some((d) => /Column$/.test(decoratorName(d) ?? '')),
      );
      if (hasTenantColumn) owned.set(n.name.text, file);
    });
  }
  return owned;
}

/** `file → Entity` for every @InjectRepository(Entity) of a tenant-owned entity outside its module's repository files. */
export function misplacedInjections(files: Parsed[], owned: Map<string, string>): string[] {
  const out: string[] = [];
  for (const { file, source } of files) {
    const visit = (n: ts.Node): void => {
      if (ts.isDecorator(n) && decoratorName(n) === 'InjectRepository') {
        const arg = (n.expression as ts.CallExpression).arguments[0];
        const entity = arg && ts.isIdentifier(arg) ? arg.text : undefined;
        const entityFile = entity ? owned.get(entity) : undefined;
        if (entity && entityFile) {
          const moduleDir = entityFile.split('/').slice(0, 2).join('/');
          const inOwnModule = file.startsWith(`${moduleDir}/`);
          const isRepositoryFile = /\.(repository|reader)\.ts$/.test(file);
          if (!(inOwnModule && isRepositoryFile)) out.push(`${file} → ${entity}`);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(source);
  }
  return out;
}

describe('@InjectRepository of tenant-owned entities', () => {
  const files = parseAll();
  const owned = tenantOwnedEntities(files);

  it('finds the tenant-owned entities (those with a tenantId column)', () => {
    expect([...owned.keys()]).toEqual(expect.arrayContaining(['TaskEntity', 'AssetEntity', 'LedgerEntryEntity', 'VideoEntity', 'IdempotencyKeyEntity']));
    expect(owned.has('PriceEntity')).toBe(false);
  });

  it('sees an injection outside a repository file (the check can fail)', () => {
    const fake = {
      file: 'src/tasks/tasks.service.ts',
      source: ts.createSourceFile('x.ts', 'class S { constructor(@InjectRepository(TaskEntity) r: unknown) {} }', ts.ScriptTarget.ES2022, true),
    };
    expect(misplacedInjections([fake], owned)).toEqual(['src/tasks/tasks.service.ts → TaskEntity']);
  });

  it('appears only in the owning module’s repository files, apart from the known violations', () => {
    const diff = compareToBaseline(misplacedInjections(files, owned), knownViolations('injectedRepositories'));
    expect(diff).toEqual({ newViolations: [], fixedButStillListed: [] });
  });
});
