import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** The append-only audit trail and its chain head. Engine-neutral. */
export class CreateAuditTrail1764000000000 implements MigrationInterface {
  name = 'CreateAuditTrail1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'id', type: 'varchar', length: '36', isUnique: true },
          { name: 'occurred_at', type: 'bigint' },
          { name: 'actor_token_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'actor_role', type: 'varchar', length: '16', isNullable: true },
          { name: 'tenant_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'target_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'outcome_status', type: 'integer' },
          { name: 'error_code', type: 'varchar', length: '128', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '128' },
          { name: 'client_ip', type: 'varchar', length: '64' },
          { name: 'properties', type: 'text' },
          { name: 'prev_hash', type: 'varchar', length: '64' },
          { name: 'hash', type: 'varchar', length: '64' },
        ],
      }),
    );
    await q.createIndex('audit_events', new TableIndex({ name: 'idx_audit_tenant_seq', columnNames: ['tenant_id', 'seq'] }));
    await q.createIndex('audit_events', new TableIndex({ name: 'idx_audit_occurred', columnNames: ['occurred_at'] }));
    await q.createTable(
      new Table({
        name: 'audit_chain',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'last_hash', type: 'varchar', length: '64' },
        ],
      }),
    );
    await q.query(`INSERT INTO audit_chain (id, last_hash) VALUES (1, '${'0'.repeat(64)}')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_chain');
    await q.dropTable('audit_events');
  }
}
