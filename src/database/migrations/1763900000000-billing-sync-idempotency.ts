import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

// Frozen copies, as of this migration, of the seed price book (`SEED_PRICES`, src/billing/sku-rules.ts) and of the
// USD parser it is stored with (`parseUsd`, src/common/money.ts). A migration is history: later changes to those
// files must not change what this one inserts.

/** SKU → USD per million tokens (docs/contract.md §2), as seeded by this migration. */
const SEED_PRICES: ReadonlyArray<readonly [sku: string, usdPerMillionTokens: string]> = [
  ['dreamina-seedance-2-0-480p-novideo', '7.0'],
  ['dreamina-seedance-2-0-480p-video', '4.3'],
  ['dreamina-seedance-2-0-720p-novideo', '7.0'],
  ['dreamina-seedance-2-0-720p-video', '4.3'],
  ['dreamina-seedance-2-0-1080p-novideo', '7.7'],
  ['dreamina-seedance-2-0-1080p-video', '4.7'],
  ['dreamina-seedance-2-0-4k-novideo', '4.0'],
  ['dreamina-seedance-2-0-4k-video', '2.4'],
  ['dreamina-seedance-2-0-fast-novideo', '5.6'],
  ['dreamina-seedance-2-0-fast-video', '3.3'],
  ['dreamina-seedance-2-0-mini-novideo', '3.5'],
  ['dreamina-seedance-2-0-mini-video', '2.1'],
];

const NANO = 1_000_000_000n;
const USD_PATTERN = /^(0|[1-9]\d{0,5})(\.\d{1,9})?$/;

/** "7.0" USD per million tokens → 7000000000n nano-USD per million tokens. Refuses more than 9 decimals. */
function parseUsd(value: string): bigint {
  if (!USD_PATTERN.test(value)) throw new RangeError(`not a USD amount with at most 9 decimals: ${value}`);
  const [whole, frac = ''] = value.split('.');
  return BigInt(whole) * NANO + BigInt(frac.padEnd(9, '0'));
}

/**
 * The price book (seeded with docs/contract.md §2), the ledger (one entry per task, enforced by a unique key),
 * background-sync leases and spend reservations on tasks, tenant spend limits, and idempotency keys.
 */
export class BillingSyncIdempotency1763900000000 implements MigrationInterface {
  name = 'BillingSyncIdempotency1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'prices',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'sku', type: 'varchar', length: '64' },
          { name: 'nano_per_million', type: 'bigint' },
          { name: 'effective_from', type: 'bigint' },
          { name: 'created_at', type: 'bigint' },
        ],
      }),
    );
    await q.createIndex('prices', new TableIndex({ name: 'idx_prices_sku_effective', columnNames: ['sku', 'effective_from'] }));
    for (const [i, [sku, usd]] of SEED_PRICES.entries()) {
      await q.query(
        `INSERT INTO prices (id, sku, nano_per_million, effective_from, created_at) VALUES ('seed-price-${String(i + 1).padStart(2, '0')}', '${sku}', ${parseUsd(usd)}, 0, 0)`,
      );
    }

    await q.createTable(
      new Table({
        name: 'ledger_entries',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'task_ref', type: 'varchar', length: '36', isUnique: true },
          { name: 'task_id', type: 'varchar', length: '64' },
          { name: 'model', type: 'varchar', length: '64' },
          { name: 'sku', type: 'varchar', length: '64' },
          { name: 'resolution', type: 'varchar', length: '16' },
          { name: 'has_video_input', type: 'boolean' },
          { name: 'tokens', type: 'bigint' },
          { name: 'nano_per_million', type: 'bigint' },
          { name: 'amount_nano', type: 'bigint' },
          { name: 'task_created_at', type: 'bigint' },
          { name: 'created_at', type: 'bigint' },
        ],
        foreignKeys: [
          { columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] },
          { columnNames: ['task_ref'], referencedTableName: 'tasks', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await q.createIndex('ledger_entries', new TableIndex({ name: 'idx_ledger_tenant_created', columnNames: ['tenant_id', 'created_at'] }));

    await q.addColumns('tasks', [
      new TableColumn({ name: 'lease_owner', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'lease_until', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'sync_attempts', type: 'integer', default: 0 }),
      new TableColumn({ name: 'reserved_nano', type: 'bigint', default: 0 }),
    ]);
    await q.addColumn('tenants', new TableColumn({ name: 'spend_limit_nano', type: 'bigint', isNullable: true }));

    await q.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { name: 'tenant_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'idempotency_key', type: 'varchar', length: '255', isPrimary: true },
          { name: 'body_sha256', type: 'varchar', length: '64' },
          { name: 'task_ref', type: 'varchar', length: '36' },
          { name: 'created_at', type: 'bigint' },
        ],
        foreignKeys: [{ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('idempotency_keys', new TableIndex({ name: 'idx_idempotency_created', columnNames: ['created_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('idempotency_keys');
    await q.dropColumn('tenants', 'spend_limit_nano');
    for (const c of ['reserved_nano', 'sync_attempts', 'lease_until', 'lease_owner']) await q.dropColumn('tasks', c);
    await q.dropTable('ledger_entries');
    await q.dropTable('prices');
  }
}
