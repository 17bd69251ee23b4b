import { mediumModule } from '../../test/support/test-module';
import { DataSource } from 'typeorm';
import { ManualClock } from '../common/clock';
import { ApiTokenEntity } from './api-token.entity';
import { TenancyModule } from './tenancy.module';
import { BOOTSTRAP_ADMIN_TOKEN_ID, TenancyChange, TenancyService, WithinChange } from './tenancy.service';

/** The changes handed over inside their transactions (the admin module audits them). */
const changes: TenancyChange[] = [];
const within: WithinChange = async (_m, change) => void changes.push(change);

describe('TenancyService (medium)', () => {
  let tenancy: TenancyService;
  let ds: DataSource;
  let close: () => Promise<void>;
  const clock = new ManualClock();

  beforeAll(async () => {
    const m = await mediumModule([TenancyModule], { ARKGATE_PROFILE: 'kapon' }, { clock });
    tenancy = m.moduleRef.get(TenancyService);
    ds = m.moduleRef.get(DataSource);
    close = m.close;
  });
  afterAll(async () => close());

  it('a tenant token authenticates to its tenant with effective defaults (kapon: media policy any)', async () => {
    const t = await tenancy.createTenant({ name: 'a' }, within);
    const issued = await tenancy.issueTenantToken(t.id, 'k', within);
    const p = await tenancy.authenticate(issued.token);
    expect(p).toMatchObject({ role: 'tenant', tokenId: issued.id, tenant: { id: t.id, mediaPolicy: 'any', status: 'active' } });
    expect(p?.tenant?.entitlements.models).not.toContain('dreamina-seedance-2-0-filter-off');
  });

  it('unknown and revoked tokens do not authenticate (revocation visible after the cache window)', async () => {
    expect(await tenancy.authenticate('oh-nobody')).toBeNull();
    const issued = await tenancy.issueStaffToken('auditor', 'aud', within);
    expect((await tenancy.authenticate(issued.token))?.role).toBe('auditor');
    await tenancy.revokeToken(issued.id, within);
    expect(await tenancy.authenticate(issued.token)).toBeNull();
  });

  it('the bootstrap admin token: added when set, kept when unset or unchanged, replaced (old revoked, handed over) when changed', async () => {
    changes.length = 0;
    await tenancy.syncBootstrapAdmin('oh-first-bootstrap-token-0000', within);
    expect((await tenancy.authenticate('oh-first-bootstrap-token-0000'))?.tokenId).toBe(BOOTSTRAP_ADMIN_TOKEN_ID);
    // A start without the variable, or with the same value, changes nothing.
    await tenancy.syncBootstrapAdmin(undefined, within);
    await tenancy.syncBootstrapAdmin('oh-first-bootstrap-token-0000', within);
    const before = await tenancy.listTokens();
    expect(before.filter((t) => t.name === 'ARKGATE_ADMIN_TOKEN')).toEqual([expect.objectContaining({ id: BOOTSTRAP_ADMIN_TOKEN_ID, revoked_at: null })]);
    expect(changes).toEqual([]);
    // A changed value revokes the old token and adds the new one, each a change handed over in the transaction.
    await tenancy.syncBootstrapAdmin('oh-second-bootstrap-token-000', within);
    expect(await tenancy.authenticate('oh-first-bootstrap-token-0000')).toBeNull();
    expect((await tenancy.authenticate('oh-second-bootstrap-token-000'))?.role).toBe('admin');
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'token.revoked', tokenId: BOOTSTRAP_ADMIN_TOKEN_ID, reason: 'ARKGATE_ADMIN_TOKEN changed' }),
      expect.objectContaining({ kind: 'token.issued', role: 'admin', bootstrap: true }),
    ]);
  });

  it('a bootstrap token revoked through the admin API stays revoked across starts with the same value', async () => {
    await tenancy.syncBootstrapAdmin('oh-third-bootstrap-token-0000', within);
    const row = (await tenancy.listTokens()).find(
      (t) => t.prefix && t.revoked_at === null && t.name === 'ARKGATE_ADMIN_TOKEN' && t.id !== BOOTSTRAP_ADMIN_TOKEN_ID,
    );
    expect(row).toBeDefined();
    await tenancy.revokeToken(row!.id, within);
    await tenancy.syncBootstrapAdmin('oh-third-bootstrap-token-0000', within);
    expect(await tenancy.authenticate('oh-third-bootstrap-token-0000')).toBeNull();
    // Moving the variable from a live bootstrap token back to the revoked value still revokes the live one.
    await tenancy.syncBootstrapAdmin('oh-fourth-bootstrap-token-000', within);
    expect((await tenancy.authenticate('oh-fourth-bootstrap-token-000'))?.role).toBe('admin');
    await tenancy.syncBootstrapAdmin('oh-third-bootstrap-token-0000', within);
    expect(await tenancy.authenticate('oh-fourth-bootstrap-token-000')).toBeNull();
    expect(await tenancy.authenticate('oh-third-bootstrap-token-0000')).toBeNull();
  });

  it('a token revoked by another instance is trusted here for at most the 2 s cache window (a revocation here clears it at once)', async () => {
    const t = await tenancy.createTenant({ name: 'cache' }, within);
    const issued = await tenancy.issueTenantToken(t.id, 'k', within);
    expect((await tenancy.authenticate(issued.token))?.tokenId).toBe(issued.id);
    // Another instance revokes it: this one's cache is not told.
    await ds.getRepository(ApiTokenEntity).update({ id: issued.id }, { revokedAt: clock.now() });
    clock.advance(1999);
    expect((await tenancy.authenticate(issued.token))?.tokenId).toBe(issued.id);
    clock.advance(2);
    expect(await tenancy.authenticate(issued.token)).toBeNull();
  });

  it('PATCH merges entitlements instead of replacing them', async () => {
    const t = await tenancy.createTenant({ name: 'b', entitlements: { asset_library: false } }, within);
    const u = await tenancy.updateTenant(t.id, { entitlements: { models: ['dreamina-seedance-2-0'] } }, within);
    expect(u.entitlements).toEqual({ video_generation: true, asset_library: false, models: ['dreamina-seedance-2-0'] });
  });
});
