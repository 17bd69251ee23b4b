import { mediumModule } from '../../test/support/test-module';
import { systemContext } from '../common/http/request-context';

const ctx = systemContext();
import { TenancyModule } from './tenancy.module';
import { BOOTSTRAP_ADMIN_TOKEN_ID, TenancyService } from './tenancy.service';

describe('TenancyService (medium)', () => {
  let tenancy: TenancyService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const m = await mediumModule([TenancyModule], { ARKGATE_PROFILE: 'kapon' });
    tenancy = m.moduleRef.get(TenancyService);
    close = m.close;
  });
  afterAll(async () => close());

  it('a tenant token authenticates to its tenant with effective defaults (kapon: media policy any)', async () => {
    const t = await tenancy.createTenant({ name: 'a' }, ctx);
    const issued = await tenancy.issueTenantToken(t.id, 'k', ctx);
    const p = await tenancy.authenticate(issued.token);
    expect(p).toMatchObject({ role: 'tenant', tokenId: issued.id, tenant: { id: t.id, mediaPolicy: 'any', status: 'active' } });
    expect(p?.tenant?.entitlements.models).not.toContain('dreamina-seedance-2-0-filter-off');
  });

  it('unknown and revoked tokens do not authenticate (revocation visible after the cache window)', async () => {
    expect(await tenancy.authenticate('oh-nobody')).toBeNull();
    const issued = await tenancy.issueStaffToken('auditor', 'aud', ctx);
    expect((await tenancy.authenticate(issued.token))?.role).toBe('auditor');
    await tenancy.revokeToken(issued.id, ctx);
    expect(await tenancy.authenticate(issued.token)).toBeNull();
  });

  it('the bootstrap admin token follows ARKGATE_ADMIN_TOKEN: set, rotated, removed', async () => {
    await tenancy.syncBootstrapAdmin('oh-first-bootstrap-token-0000');
    expect((await tenancy.authenticate('oh-first-bootstrap-token-0000'))?.tokenId).toBe(BOOTSTRAP_ADMIN_TOKEN_ID);
    await tenancy.syncBootstrapAdmin('oh-second-bootstrap-token-000');
    await tenancy.revokeToken('nothing', ctx).catch(() => undefined);
    expect(await tenancy.authenticate('oh-second-bootstrap-token-000')).not.toBeNull();
    await tenancy.syncBootstrapAdmin(undefined);
    await new Promise((r) => setTimeout(r, 2100));
    expect(await tenancy.authenticate('oh-second-bootstrap-token-000')).toBeNull();
    expect(await tenancy.authenticate('oh-first-bootstrap-token-0000')).toBeNull();
  });

  it('PATCH merges entitlements instead of replacing them', async () => {
    const t = await tenancy.createTenant({ name: 'b', entitlements: { asset_library: false } }, ctx);
    const u = await tenancy.updateTenant(t.id, { entitlements: { models: ['dreamina-seedance-2-0'] } }, ctx);
    expect(u.entitlements).toEqual({ video_generation: true, asset_library: false, models: ['dreamina-seedance-2-0'] });
  });
});
