import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Asset groups and assets, each owned by one tenant. Engine-neutral. */
export class CreateAssetLibrary1763800000000 implements MigrationInterface {
  name = 'CreateAssetLibrary1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'asset_groups',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'description', type: 'varchar', length: '300', isNullable: true },
          { name: 'group_type', type: 'varchar', length: '16' },
          { name: 'model', type: 'varchar', length: '64', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '128' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        foreignKeys: [{ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('asset_groups', new TableIndex({ name: 'idx_asset_groups_tenant_created', columnNames: ['tenant_id', 'created_at'] }));
    await q.createTable(
      new Table({
        name: 'assets',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'group_id', type: 'varchar', length: '64' },
          { name: 'name', type: 'varchar', length: '64', isNullable: true },
          { name: 'asset_type', type: 'varchar', length: '16' },
          { name: 'source_url', type: 'text' },
          { name: 'upstream_url', type: 'text', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'error_code', type: 'varchar', length: '128', isNullable: true },
          { name: 'error_message', type: 'text', isNullable: true },
          { name: 'model', type: 'varchar', length: '64', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '128' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        foreignKeys: [
          { columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] },
          { columnNames: ['group_id'], referencedTableName: 'asset_groups', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await q.createIndex('assets', new TableIndex({ name: 'idx_assets_tenant_group', columnNames: ['tenant_id', 'group_id'] }));
    await q.createIndex('assets', new TableIndex({ name: 'idx_assets_tenant_created', columnNames: ['tenant_id', 'created_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('assets');
    await q.dropTable('asset_groups');
  }
}
