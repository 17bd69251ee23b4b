import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * The tenant's list `total` (docs/contract.md §3) read from counters instead of a COUNT over every match, and its page
 * read from an index in (created_at, id) order, with no sort.
 *
 * `task_counts` holds, per tenant, model and status, how many tasks the tenant sees: a visible status, not hidden by a
 * delete. Database triggers keep it, in the transaction of every insert, update and delete of `tasks`, so no write path
 * (repository, sync, reconciler, bulk seeding, test factories) can forget it; the rows already there are counted here.
 *
 * PostgreSQL: a row's counter is one of eight slots chosen by the writing connection (`pg_backend_pid() % 8`), summed on
 * read, so concurrent creates and syncs of one tenant on different pooled connections rarely wait for the same counter
 * row. A status change takes its old counter before its new one, and a task only moves forward (queued → running →
 * finished → hidden), so two single-task transactions never take the same two counters in opposite orders. Inserts count
 * once per statement (a transition table, grouped, in key order): bulk seeding adds one upsert per statement, not per row.
 * SQLite has one writer at a time and row triggers only: one slot (0).
 */
export const VISIBLE = "('queued', 'running', 'succeeded', 'failed', 'expired', 'cancelled')";
export const SLOTS = 8;

export class CountVisibleTasks1765000000000 implements MigrationInterface {
  name = 'CountVisibleTasks1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'task_counts',
        columns: [
          { name: 'tenant_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'model', type: 'varchar', length: '64', isPrimary: true },
          { name: 'status', type: 'varchar', length: '16', isPrimary: true },
          { name: 'slot', type: 'integer', isPrimary: true },
          { name: 'n', type: 'bigint', default: 0 },
        ],
      }),
    );
    if (q.connection.options.type === 'postgres') await createPostgresTriggers(q);
    else await createSqliteTriggers(q);
    await q.query(
      `INSERT INTO task_counts (tenant_id, model, status, slot, n)
       SELECT tenant_id, model, status, 0, COUNT(*) FROM tasks WHERE hidden_at IS NULL AND status IN ${VISIBLE}
       GROUP BY tenant_id, model, status`,
    );

    // The page: equality on (tenant, status, hidden) or (tenant, hidden), then newest first with the id as tie-break.
    await q.createIndex(
      'tasks',
      new TableIndex({ name: 'idx_tasks_tenant_status_hidden_created_id', columnNames: ['tenant_id', 'status', 'hidden_at', 'created_at', 'id'] }),
    );
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_tenant_hidden_created_id', columnNames: ['tenant_id', 'hidden_at', 'created_at', 'id'] }));
    await q.dropIndex('tasks', 'idx_tasks_tenant_status_hidden_created');
    await q.dropIndex('tasks', 'idx_tasks_tenant_hidden_created');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'tasks',
      new TableIndex({ name: 'idx_tasks_tenant_status_hidden_created', columnNames: ['tenant_id', 'status', 'hidden_at', 'created_at'] }),
    );
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_tenant_hidden_created', columnNames: ['tenant_id', 'hidden_at', 'created_at'] }));
    await q.dropIndex('tasks', 'idx_tasks_tenant_hidden_created_id');
    await q.dropIndex('tasks', 'idx_tasks_tenant_status_hidden_created_id');
    for (const t of ['task_counts_insert', 'task_counts_update_old', 'task_counts_update_new', 'task_counts_update', 'task_counts_delete']) {
      await q.query(`DROP TRIGGER IF EXISTS ${t}${q.connection.options.type === 'postgres' ? ' ON tasks' : ''}`);
    }
    if (q.connection.options.type === 'postgres') {
      for (const f of ['task_counts_on_insert', 'task_counts_on_update', 'task_counts_on_delete']) await q.query(`DROP FUNCTION IF EXISTS ${f}()`);
    }
    await q.dropTable('task_counts');
  }
}

async function createPostgresTriggers(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE FUNCTION task_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO task_counts (tenant_id, model, status, slot, n)
      SELECT tenant_id, model, status, pg_backend_pid() % ${SLOTS}, COUNT(*) FROM new_tasks
      WHERE hidden_at IS NULL AND status IN ${VISIBLE}
      GROUP BY tenant_id, model, status ORDER BY tenant_id, model, status
      ON CONFLICT (tenant_id, model, status, slot) DO UPDATE SET n = task_counts.n + EXCLUDED.n;
      RETURN NULL;
    END $$`);
  await q.query(
    'CREATE TRIGGER task_counts_insert AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_tasks FOR EACH STATEMENT EXECUTE FUNCTION task_counts_on_insert()',
  );
  await createPostgresRowTriggers(q);
}

/**
 * PostgreSQL: the counters' update and delete triggers as this migration made them, one call per row (also what
 * CountTaskChangesPerStatement1765300000000 goes back to when reverted).
 */
export async function createPostgresRowTriggers(q: QueryRunner): Promise<void> {
  const bump = (row: 'OLD' | 'NEW', delta: 1 | -1) =>
    `INSERT INTO task_counts (tenant_id, model, status, slot, n) VALUES (${row}.tenant_id, ${row}.model, ${row}.status, pg_backend_pid() % ${SLOTS}, ${delta})
     ON CONFLICT (tenant_id, model, status, slot) DO UPDATE SET n = task_counts.n + (${delta});`;
  await q.query(`
    CREATE FUNCTION task_counts_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.hidden_at IS NULL AND OLD.status IN ${VISIBLE} THEN ${bump('OLD', -1)} END IF;
      IF NEW.hidden_at IS NULL AND NEW.status IN ${VISIBLE} THEN ${bump('NEW', 1)} END IF;
      RETURN NULL;
    END $$`);
  await q.query(`
    CREATE FUNCTION task_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.hidden_at IS NULL AND OLD.status IN ${VISIBLE} THEN ${bump('OLD', -1)} END IF;
      RETURN NULL;
    END $$`);
  // Only a change of what is counted fires (the sync's lease and schedule updates do not).
  await q.query(
    `CREATE TRIGGER task_counts_update AFTER UPDATE ON tasks FOR EACH ROW
     WHEN (OLD.status IS DISTINCT FROM NEW.status OR (OLD.hidden_at IS NULL) <> (NEW.hidden_at IS NULL)
           OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.model IS DISTINCT FROM NEW.model)
     EXECUTE FUNCTION task_counts_on_update()`,
  );
  await q.query('CREATE TRIGGER task_counts_delete AFTER DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION task_counts_on_delete()');
}

async function createSqliteTriggers(q: QueryRunner): Promise<void> {
  const counted = (row: 'OLD' | 'NEW') => `${row}.hidden_at IS NULL AND ${row}.status IN ${VISIBLE}`;
  const sameKey = 'OLD.tenant_id = NEW.tenant_id AND OLD.model = NEW.model AND OLD.status = NEW.status';
  const bump = (row: 'OLD' | 'NEW', delta: 1 | -1) =>
    `INSERT INTO task_counts (tenant_id, model, status, slot, n) VALUES (${row}.tenant_id, ${row}.model, ${row}.status, 0, ${delta})
     ON CONFLICT (tenant_id, model, status, slot) DO UPDATE SET n = n + (${delta});`;
  await q.query(`CREATE TRIGGER task_counts_insert AFTER INSERT ON tasks WHEN ${counted('NEW')} BEGIN ${bump('NEW', 1)} END`);
  await q.query(
    `CREATE TRIGGER task_counts_update_old AFTER UPDATE OF tenant_id, model, status, hidden_at ON tasks
     WHEN ${counted('OLD')} AND NOT (${counted('NEW')} AND ${sameKey}) BEGIN ${bump('OLD', -1)} END`,
  );
  await q.query(
    `CREATE TRIGGER task_counts_update_new AFTER UPDATE OF tenant_id, model, status, hidden_at ON tasks
     WHEN ${counted('NEW')} AND NOT (${counted('OLD')} AND ${sameKey}) BEGIN ${bump('NEW', 1)} END`,
  );
  await q.query(`CREATE TRIGGER task_counts_delete AFTER DELETE ON tasks WHEN ${counted('OLD')} BEGIN ${bump('OLD', -1)} END`);
}
