import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mediumModule } from '../../test/support/test-module';
import { systemContext } from '../common/http/request-context';
import { TenancyModule } from '../tenancy/tenancy.module';
import { TenancyService } from '../tenancy/tenancy.service';
import { AdminService } from '../admin/admin.service';
import { AuditService } from '../audit/audit.service';
import { ensureDemoAdmin } from './demo-admin';

describe('the demo admin token of a local run (medium)', () => {
  let tenancy: TenancyService;
  let admin: AdminService;
  let close: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    const m = await mediumModule([TenancyModule]);
    tenancy = m.moduleRef.get(TenancyService);
    admin = new AdminService(tenancy, m.moduleRef.get(AuditService));
    close = m.close;
    dir = mkdtempSync(join(tmpdir(), 'arkgate-demo-admin-'));
  });
  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is an admin token, kept in a private file, and the same after a restart', async () => {
    const file = join(dir, 'demo-admin.json');
    const first = await ensureDemoAdmin(tenancy, admin, file);
    expect((await tenancy.authenticate(first))?.role).toBe('admin');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await ensureDemoAdmin(tenancy, admin, file)).toBe(first);
  });

  it('a revoked demo admin token is replaced by a new one', async () => {
    const file = join(dir, 'revoked.json');
    const first = await ensureDemoAdmin(tenancy, admin, file);
    const row = (await tenancy.listTokens()).find((t) => t.name === 'demo-admin' && first.startsWith(t.prefix) && t.revoked_at === null);
    await admin.revokeToken(row!.id, systemContext());
    const second = await ensureDemoAdmin(tenancy, admin, file);
    expect(second).not.toBe(first);
    expect((await tenancy.authenticate(second))?.role).toBe('admin');
  });
});
