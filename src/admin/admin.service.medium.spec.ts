import { mediumModule } from '../../test/support/test-module';
import { AuditService } from '../audit/audit.service';
import { systemContext } from '../common/http/request-context';
import { TenancyModule } from '../tenancy/tenancy.module';
import { BOOTSTRAP_ADMIN_TOKEN_ID, TenancyService } from '../tenancy/tenancy.service';
import { AdminService } from './admin.service';

describe('admin changes to tenants and tokens are audited in their transaction (medium)', () => {
  let admin: AdminService;
  let tenancy: TenancyService;
  let audit: AuditService;
  let close: () => Promise<void>;
  const ctx = systemContext();

  beforeAll(async () => {
    const m = await mediumModule([TenancyModule]);
    tenancy = m.moduleRef.get(TenancyService);
    audit = m.moduleRef.get(AuditService);
    admin = new AdminService(tenancy, audit);
    close = m.close;
  });
  afterAll(async () => close());

  const eventsOf = async (requestId: string) => (await audit.list({ requestId, limit: 50 })).items;

  it('create, update, issue and revoke each leave one event with the change', async () => {
    const t = await admin.createTenant({ name: 'audited', rate_limit_per_minute: 7 }, ctx);
    await admin.updateTenant(t.id, { status: 'suspended' }, ctx);
    const token = await admin.issueTenantToken(t.id, 'k', ctx);
    await admin.revokeToken(token.id, ctx);
    await admin.revokeToken(token.id, ctx);
    expect(await eventsOf(ctx.requestId)).toEqual([
      expect.objectContaining({
        action: 'admin.token.revoke',
        tenant_id: t.id,
        target_id: token.id,
        properties: { role: 'tenant', name: 'k', already_revoked: true },
      }),
      expect.objectContaining({ action: 'admin.token.revoke', target_id: token.id, properties: { role: 'tenant', name: 'k', already_revoked: false } }),
      expect.objectContaining({
        action: 'admin.token.issue',
        tenant_id: t.id,
        target_id: token.id,
        outcome: { status: 201, error_code: null },
        properties: { role: 'tenant', name: 'k', prefix: expect.any(String) },
      }),
      expect.objectContaining({
        action: 'admin.tenant.update',
        tenant_id: t.id,
        target_id: t.id,
        outcome: { status: 200, error_code: null },
        properties: { changes: { status: 'suspended' } },
      }),
      expect.objectContaining({
        action: 'admin.tenant.create',
        tenant_id: t.id,
        target_id: t.id,
        outcome: { status: 201, error_code: null },
        properties: { input: { name: 'audited', rate_limit_per_minute: 7 } },
      }),
    ]);
  });

  it('a change whose event cannot be written is not made', async () => {
    const failing = new AdminService(tenancy, { record: async () => Promise.reject(new Error('audit down')) } as unknown as AuditService);
    await expect(failing.createTenant({ name: 'never' }, ctx)).rejects.toThrow('audit down');
    expect(await tenancy.findTenantByName('never')).toBeNull();
  });

  it('the bootstrap admin token: the first registration leaves no event, a replacement a revoke and an issue', async () => {
    await admin.syncBootstrapAdmin('oh-admin-bootstrap-token-0001');
    expect((await audit.list({ action: 'admin.token.revoke', limit: 50 })).items.filter((e) => e.target_id === BOOTSTRAP_ADMIN_TOKEN_ID)).toEqual([]);
    await admin.syncBootstrapAdmin('oh-admin-bootstrap-token-0002');
    const revoked = (await audit.list({ action: 'admin.token.revoke', limit: 50 })).items.find((e) => e.target_id === BOOTSTRAP_ADMIN_TOKEN_ID);
    expect(revoked).toMatchObject({
      tenant_id: null,
      actor: { token_id: null, role: null },
      properties: { role: 'admin', name: 'ARKGATE_ADMIN_TOKEN', reason: 'ARKGATE_ADMIN_TOKEN changed' },
    });
    const issued = (await audit.list({ action: 'admin.token.issue', limit: 50 })).items.find((e) => (e.properties as { bootstrap?: boolean }).bootstrap);
    expect(issued).toMatchObject({ tenant_id: null, outcome: { status: 201 }, properties: { role: 'admin', name: 'ARKGATE_ADMIN_TOKEN', bootstrap: true } });
  });
});
