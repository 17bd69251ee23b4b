import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The auditor export reads a page of task records, then the ledger entries of the same range in the same order,
 * (task_created_at, task_ref) being each entry's (created_at, id) of its record. This index answers that range alone
 * (its other columns are the export's filters and the charge it writes), so no table row is read per entry.
 */
export class IndexLedgerInTaskOrder1765200000000 implements MigrationInterface {
  name = 'IndexLedgerInTaskOrder1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'ledger_entries',
      new TableIndex({
        name: 'idx_ledger_task_order',
        columnNames: ['task_created_at', 'task_ref', 'tenant_id', 'model', 'sku', 'tokens', 'nano_per_million', 'amount_nano'],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('ledger_entries', 'idx_ledger_task_order');
  }
}
