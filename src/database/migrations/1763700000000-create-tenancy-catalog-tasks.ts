import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Tenants, their tokens, model mappings and task records. Engine-neutral: runs on SQLite and PostgreSQL. */
export class CreateTenancyCatalogTasks1763700000000 implements MigrationInterface {
  name = 'CreateTenancyCatalogTasks1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'tenants',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'entitlements', type: 'text' },
          { name: 'media_policy', type: 'varchar', length: '16', isNullable: true },
          { name: 'rate_limit_per_minute', type: 'integer' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'token_prefix', type: 'varchar', length: '16' },
          { name: 'created_at', type: 'bigint' },
          { name: 'revoked_at', type: 'bigint', isNullable: true },
        ],
        foreignKeys: [{ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('api_tokens', new TableIndex({ name: 'idx_api_tokens_tenant', columnNames: ['tenant_id'] }));
    await q.createTable(
      new Table({
        name: 'model_mappings',
        columns: [
          { name: 'model', type: 'varchar', length: '64', isPrimary: true },
          { name: 'upstream_model', type: 'varchar', length: '200' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'tasks',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'task_id', type: 'varchar', length: '64', isNullable: true, isUnique: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'model', type: 'varchar', length: '64' },
          { name: 'upstream_model', type: 'varchar', length: '200' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'upstream_request', type: 'text' },
          { name: 'upstream_task', type: 'text', isNullable: true },
          { name: 'has_video_input', type: 'boolean' },
          { name: 'resolution', type: 'varchar', length: '16', isNullable: true },
          { name: 'ratio', type: 'varchar', length: '16', isNullable: true },
          { name: 'duration', type: 'integer', isNullable: true },
          { name: 'safety_identifier', type: 'varchar', length: '128', isNullable: true },
          { name: 'callback_url', type: 'text', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '128' },
          { name: 'error_code', type: 'varchar', length: '128', isNullable: true },
          { name: 'hidden_at', type: 'bigint', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
          { name: 'finished_at', type: 'bigint', isNullable: true },
          { name: 'next_sync_at', type: 'bigint', isNullable: true },
        ],
        foreignKeys: [{ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_tenant_created', columnNames: ['tenant_id', 'created_at'] }));
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_tenant_status', columnNames: ['tenant_id', 'status'] }));
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_status_sync', columnNames: ['status', 'next_sync_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('tasks');
    await q.dropTable('model_mappings');
    await q.dropTable('api_tokens');
    await q.dropTable('tenants');
  }
}
