/**
 * The import-graph rules of the gateway. `npm run arch` checks them (through test/architecture/, against the
 * checked-in baseline of known violations); `npm run arch:graph` prints every violation as dependency-cruiser
 * sees it. A rule the import graph cannot express (repositories injected by decorator) lives in
 * test/architecture/inject-repository.spec.ts.
 *
 * Shared kernel (not feature modules): src/common, src/config, src/database. Everything else under src/<name>/
 * is a feature module.
 */
const KERNEL = '(?:common|config|database)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-foreign-entities',
      comment: "A feature module imports another module's entity: it must call that module's service instead (a module exports services, never entities).",
      severity: 'error',
      from: { path: `^src/(?!${KERNEL}/)([^/]+)/` },
      to: { path: '^src/([^/]+)/.+\\.entity\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'no-foreign-repositories',
      comment: "A feature module imports another module's repository or reader: it must call that module's service instead.",
      severity: 'error',
      from: { path: `^src/(?!${KERNEL}/)([^/]+)/` },
      // Repositories and readers of feature modules only: the bases every one of them extends (TenantScopedRepository,
      // CrossTenantReader) are kernel infrastructure in src/database/.
      to: { path: `^src/(?!${KERNEL}/)[^/]+/.+\\.(repository|reader)\\.ts$`, pathNot: '^src/$1/' },
    },
    {
      name: 'kernel-entities-only-in-data-source',
      comment:
        'The shared kernel knows no feature entity, except the one file that lists every entity for the data source (entities are listed explicitly, no globs).',
      severity: 'error',
      from: { path: `^src/${KERNEL}/`, pathNot: ['^src/database/data-source-options\\.ts$', '^src/database/migrations/'] },
      to: { path: `^src/(?!${KERNEL}/)[^/]+/.+\\.(entity|repository|reader)\\.ts$` },
    },
    {
      name: 'kernel-not-to-features',
      comment: 'src/common and src/config are the bottom of the graph: they import nothing from a feature module.',
      severity: 'error',
      from: { path: '^src/(?:common|config)/' },
      to: { path: `^src/(?!${KERNEL}/)[^/]+/` },
    },
    {
      name: 'migrations-are-frozen',
      comment: 'A migration is history: it imports only typeorm, never live code that can change after it has run (inline the constants it needs).',
      severity: 'error',
      from: { path: '^src/database/migrations/' },
      to: { pathNot: ['^src/database/migrations/', '(^|/)node_modules/typeorm/'] },
    },
    {
      name: 'libs-know-no-src',
      comment: 'libs/ knows nothing of tenants: it never imports the gateway.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist(-bench)?/', '\\.spec\\.ts$', '\\.e2e-spec\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
