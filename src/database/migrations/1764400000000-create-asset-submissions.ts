import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Asset-library creates recorded before upstream is called, so an unknown outcome can be reconciled. Engine-neutral. */
export class CreateAssetSubmissions1764400000000 implements MigrationInterface {
  name = 'CreateAssetSubmissions1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'asset_submissions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'upstream_request', type: 'text' },
          { name: 'model', type: 'varchar', length: '64', isNullable: true },
          { name: 'upstream_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'reason', type: 'varchar', length: '300', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '128' },
          { name: 'lease_owner', type: 'varchar', length: '64', isNullable: true },
          { name: 'lease_until', type: 'bigint', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        foreignKeys: [{ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('asset_submissions', new TableIndex({ name: 'idx_asset_submissions_tenant_created', columnNames: ['tenant_id', 'created_at'] }));
    await q.createIndex('asset_submissions', new TableIndex({ name: 'idx_asset_submissions_status_created', columnNames: ['status', 'created_at'] }));
    // One upstream object is attached to at most one submission.
    await q.createIndex('asset_submissions', new TableIndex({ name: 'uq_asset_submissions_upstream_id', columnNames: ['upstream_id'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('asset_submissions');
  }
}
