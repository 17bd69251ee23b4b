import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * The keyed audit chain (docs/contract.md §10): each event records how its hash was made (existing events are
 * plain SHA-256), and the chain head records, signed with the key, from which event on the chain is keyed.
 * Engine-neutral.
 */
export class AuditHashKindAndKeyMark1764500000000 implements MigrationInterface {
  name = 'AuditHashKindAndKeyMark1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('audit_events', new TableColumn({ name: 'hash_kind', type: 'varchar', length: '16', default: "'sha256'" }));
    await q.addColumns('audit_chain', [
      new TableColumn({ name: 'keyed_from_seq', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'key_mark', type: 'varchar', length: '64', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('audit_chain', 'key_mark');
    await q.dropColumn('audit_chain', 'keyed_from_seq');
    await q.dropColumn('audit_events', 'hash_kind');
  }
}
