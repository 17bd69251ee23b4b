import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { SEED_PRICES } from '../../billing/sku-rules';
import { parseUsd } from '../../common/money';

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
      await q.query(`INSERT INTO prices (id, sku, nano_per_million, effective_from, created_at) VALUES ('seed-price-${String(i + 1).padStart(2, '0')}', '${sku}', ${parseUsd(usd)}, 0, 0)`);
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
