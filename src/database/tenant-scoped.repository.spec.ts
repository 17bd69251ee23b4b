import type { Repository } from 'typeorm';
import { testTenantId } from '../../test/support/tenant-id';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { ALL_TENANTS, staffFilterScope } from '../common/tenant-identity/tenant-scope';
import { assertTenantId, ScopedWhere, TenantScopedRepository } from './tenant-scoped.repository';

describe('tenant-scoped repository guard', () => {
  it.each([undefined, null, '', 0, {}])('refuses %p as a tenant id', (value) => {
    expect(() => assertTenantId(value)).toThrow('without a tenant id');
  });
  it('accepts a real id', () => {
    expect(() => assertTenantId('0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f')).not.toThrow();
  });
});

interface Row {
  id: string;
  tenantId: TenantId;
  name: string;
}

/** A scoped repository over a stand-in TypeORM repository that records what it was asked. */
class RowRepository extends TenantScopedRepository<Row> {
  constructor(repo: Repository<Row>) {
    super(repo);
  }
}

function fakeRepository() {
  const calls: { op: string; args: unknown[] }[] = [];
  const column = (propertyName: string, databaseName: string) => ({ propertyName, databaseName });
  const repo = {
    target: 'Row',
    metadata: { tableName: 'rows', columns: [column('id', 'id'), column('tenantId', 'tenant_id'), column('name', 'name')] },
    manager: {
      connection: { options: { type: 'postgres' }, driver: { escape: (n: string) => `"${n}"`, preparePersistentValue: (v: unknown) => v } },
      queryRunner: undefined,
      // Hand-written statements (inserts): recorded as the operation their SQL starts with.
      query: async (sql: string, params: unknown[]) => (calls.push({ op: sql.split(' ')[0].toLowerCase(), args: [sql, params] }), []),
    },
    findOne: async (...args: unknown[]) => (calls.push({ op: 'findOne', args }), null),
    findAndCount: async (...args: unknown[]) => (calls.push({ op: 'findAndCount', args }), [[], 0]),
    create: (row: unknown) => row,
    insert: async (...args: unknown[]) => (calls.push({ op: 'insert', args }), {}),
    update: async (...args: unknown[]) => (calls.push({ op: 'update', args }), { affected: 1 }),
  };
  return { repo: new RowRepository(repo as unknown as Repository<Row>), calls };
}

describe('TenantScopedRepository', () => {
  const a = testTenantId('tenant-a');
  const b = testTenantId('tenant-b');

  it('filters every read and write by the tenant id it is given', async () => {
    const { repo, calls } = fakeRepository();
    await repo.findOne(a, { id: 'x' });
    await repo.findAndCount(a, { name: 'n' });
    await repo.update(a, { id: 'x' }, { name: 'm' });
    await repo.insert(a, { id: 'y', name: 'n' });
    expect(calls.map((c) => c.op)).toEqual(['findOne', 'findAndCount', 'update', 'insert']);
    expect(calls[0].args[0]).toEqual({ where: { id: 'x', tenantId: a } });
    expect(calls[1].args[0]).toEqual({ where: { name: 'n', tenantId: a } });
    expect(calls[2].args[0]).toEqual({ id: 'x', tenantId: a });
    expect(calls[3].args).toEqual(['INSERT INTO "rows" ("id", "tenant_id", "name") VALUES ($1, $2, $3)', ['y', a, 'n']]);
  });

  it('refuses a tenantId in a where instead of overwriting it, whichever tenant it names', async () => {
    const { repo, calls } = fakeRepository();
    const naming = (tenantId: unknown) => ({ id: 'x', tenantId }) as unknown as ScopedWhere<Row>;
    await expect(repo.findOne(a, naming(b))).rejects.toThrow('must not name tenantId');
    await expect(repo.findOne(a, naming(a))).rejects.toThrow('must not name tenantId');
    await expect(repo.findOne(a, naming(undefined))).rejects.toThrow('must not name tenantId');
    await expect(repo.findAndCount(a, naming(b))).rejects.toThrow('must not name tenantId');
    await expect(repo.update(a, naming(b), { name: 'm' })).rejects.toThrow('must not name tenantId');
    expect(calls).toEqual([]);
  });

  it('refuses a patch or an inserted row that names a tenant: a row never moves to another tenant', async () => {
    const { repo, calls } = fakeRepository();
    await expect(repo.update(a, { id: 'x' }, { name: 'm', tenantId: b } as never)).rejects.toThrow('must not name tenantId');
    await expect(repo.insert(a, { id: 'y', name: 'n', tenantId: b } as never)).rejects.toThrow('must not name tenantId');
    expect(calls).toEqual([]);
  });

  it('the compiler refuses a plain string as a tenant id, and a tenantId in a where or a patch', async () => {
    const { repo } = fakeRepository();
    const plain: string = 'tenant-a';
    // @ts-expect-error a string read from a request is not a TenantId
    await repo.findOne(plain, { id: 'x' });
    // @ts-expect-error the scope is the first argument, never a where clause
    await expect(repo.findOne(a, { id: 'x', tenantId: b })).rejects.toThrow('must not name tenantId');
    // @ts-expect-error a patch cannot move a row to another tenant
    await expect(repo.update(a, { id: 'x' }, { tenantId: b })).rejects.toThrow('must not name tenantId');
  });

  it('refuses to run without a tenant id', async () => {
    const { repo, calls } = fakeRepository();
    await expect(repo.findOne(undefined as unknown as TenantId, { id: 'x' })).rejects.toThrow('without a tenant id');
    await expect(repo.update(testTenantId(''), { id: 'x' }, { name: 'm' })).rejects.toThrow('without a tenant id');
    expect(calls).toEqual([]);
  });
});

describe('staff filter scope', () => {
  it('is all tenants without a tenant_id, and that tenant with one', () => {
    expect(staffFilterScope(undefined)).toEqual(ALL_TENANTS);
    expect(staffFilterScope('')).toEqual(ALL_TENANTS);
    expect(staffFilterScope('tenant-a')).toEqual({ scope: 'tenant', tenantId: 'tenant-a' });
  });
});
