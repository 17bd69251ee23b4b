import { twoInstancesForSuite } from '../support/two-instances';
import { ADMIN_TOKEN, TASKS } from '../support/test-gateway';

/** README: every instance refuses a revoked token within ~2 s (TenancyService's authentication cache). */
const CACHE_WINDOW_MS = 2000;

/**
 * Two gateway processes on one database: this test process (A, where the admin changes are made) and a child
 * process (B), each with its own authentication cache. A change made through A takes effect on A at once and on B
 * once B's cached answer for the token is older than the cache window, never later; until then B may still answer
 * with what it had cached.
 */
describe('token and tenant changes reach a second instance within the cache window', () => {
  const two = twoInstancesForSuite();

  const onB = async (token: string) => {
    const res = await fetch(`${two.b.url}${TASKS}?page_num=1&page_size=1`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
  };

  /** Asks B until it answers `status`; returns how long after `since` that first happened. */
  async function untilB(token: string, status: number, since: number): Promise<{ afterMs: number; message?: string }> {
    for (;;) {
      const res = await onB(token);
      if (res.status === status) return { afterMs: Date.now() - since, message: res.body.error?.message };
      if (Date.now() - since > CACHE_WINDOW_MS + 10_000) throw new Error(`B still answers ${res.status}, not ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** B's answer changed no later than the window after the change (plus the time one request may take here). */
  const withinWindow = (afterMs: number) => expect(afterMs).toBeLessThanOrEqual(CACHE_WINDOW_MS + 1500);

  it('a revoked token: refused by A at once, by B within the window', async () => {
    const t = await two.a.newTenant();
    const issued = await two.a.admin('POST', `/admin/tenants/${t.id}/tokens`, { name: 'to-revoke' });
    const token = issued.body.token as string;
    expect((await onB(token)).status).toBe(200); // cached on B as valid
    const since = Date.now();
    expect((await two.a.admin('DELETE', `/admin/tokens/${issued.body.id}`)).status).toBe(200);
    expect((await two.a.call('GET', `${TASKS}?page_num=1&page_size=1`, { token })).status).toBe(401);
    withinWindow((await untilB(token, 401, since)).afterMs);
    // and it stays refused
    expect((await onB(token)).status).toBe(401);
  });

  it('a suspended tenant: refused on B within the window; reactivated, served again within the window', async () => {
    const t = await two.a.newTenant();
    expect((await onB(t.token)).status).toBe(200);
    let since = Date.now();
    expect((await two.a.admin('PATCH', `/admin/tenants/${t.id}`, { status: 'suspended' })).status).toBe(200);
    expect((await two.a.call('GET', `${TASKS}?page_num=1&page_size=1`, { token: t.token })).status).toBe(503);
    const refused = await untilB(t.token, 503, since);
    withinWindow(refused.afterMs);
    expect(refused.message).toContain('suspended');
    since = Date.now();
    expect((await two.a.admin('PATCH', `/admin/tenants/${t.id}`, { status: 'active' })).status).toBe(200);
    withinWindow((await untilB(t.token, 200, since)).afterMs);
  });

  it('an entitlement taken away: refused on B within the window', async () => {
    const t = await two.a.newTenant();
    expect((await onB(t.token)).status).toBe(200);
    const since = Date.now();
    const patched = await two.a.admin('PATCH', `/admin/tenants/${t.id}`, { entitlements: { video_generation: false } });
    expect(patched.status).toBe(200);
    const refused = await untilB(t.token, 503, since);
    withinWindow(refused.afterMs);
    expect(refused.message).toContain('not enabled');
  });

  it('the admin token works on both', async () => {
    const res = await fetch(`${two.b.url}/admin/tenants`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
  });
});
