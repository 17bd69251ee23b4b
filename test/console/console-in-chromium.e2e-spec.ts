import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expectedUsd } from '../support/billing';
import { buildConsole, CHROMIUM_ARGS, CHROMIUM_PATH, SCREENSHOT_DIR } from '../support/console-build';
import { ADMIN_TOKEN, eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';

/**
 * The web console (docs/contract.md §13) in the system Chromium, against the real gateway and the sandbox: an
 * admin creates a tenant, issues and copies its token, the tenant's task shows in the task log, a price
 * change shows in usage; an auditor verifies the chain and downloads both exports; a tenant token is
 * refused. Every page is checked for labelled inputs and saved as a screenshot for review.
 */
jest.setTimeout(90_000);

// Globals of the page, used only inside page.evaluate callbacks (the server's type-check has no DOM library).
declare const document: any;
declare const sessionStorage: { length: number };
declare const navigator: { clipboard: { readText(): Promise<string> } };
type HTMLInputElement = { type: string; labels: { length: number } | null };

describe('web console in Chromium', () => {
  let gw: TestGateway;
  let browser: Browser;
  let consoleDir: string;
  let admin: { context: BrowserContext; page: Page };
  const pageProblems: string[] = [];
  const tenantName = `console-studio-${Date.now()}`;
  let tenantId = '';
  let tenantToken = '';
  let taskId = '';
  const SKU = 'dreamina-seedance-2-0-fast-novideo';
  const NEW_PRICE = '9.5';
  const taskBody = {
    model: 'dreamina-seedance-2-0-fast',
    content: [{ type: 'text', text: 'A paper boat on calm water.' }],
    resolution: '480p',
    ratio: '16:9',
    duration: 4,
  };

  async function openContext(viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw.url });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    // Script errors and policy violations in the page fail the suite (the API's 4xx answers are expected and ignored).
    page.on('pageerror', (err) => pageProblems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) pageProblems.push(`console: ${msg.text()}`);
    });
    return { context, page };
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${gw.url}/console/`);
    await page.getByLabel('Admin or auditor token').fill(token);
    await page.getByLabel('Admin or auditor token').press('Enter');
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  }

  /** Every input and select on the page has a label a screen reader announces. */
  async function expectLabelled(page: Page): Promise<void> {
    const unlabelled = await page.$$eval('input, select, textarea', (els) =>
      els
        .filter((el) => (el as HTMLInputElement).type !== 'hidden')
        .filter((el) => ((el as HTMLInputElement).labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    expect(unlabelled).toEqual([]);
  }

  async function go(page: Page, path: string, heading: string): Promise<void> {
    await page.goto(`${gw.url}/console/#/${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  beforeAll(async () => {
    rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    consoleDir = await buildConsole();
    gw = await startGateway({ sync: true, env: { ARKGATE_CONSOLE_DIR: consoleDir } });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    admin = await openContext();
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    if (consoleDir) rmSync(consoleDir, { recursive: true, force: true });
  });

  it('serves the console at /console without a token, with a strict content policy', async () => {
    const res = await fetch(`${gw.url}/console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${gw.url}${script}`)).status).toBe(200);
    // The API behind it still wants a token.
    expect((await fetch(`${gw.url}/admin/tasks`)).status).toBe(401);
  });

  it('a tenant token cannot sign in, and the API’s refusal is shown', async () => {
    const t = await gw.newTenant();
    const { context, page } = await openContext();
    await signIn(page, t.token);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/admin and auditor tokens.*not available to tenant tokens/);
    await expect(page.getByRole('button', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await shot(page, '00-sign-in-refused');
    await signIn(page, 'oh-not-a-real-token-0000000000');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Missing or invalid API token/);
    await context.close();
  });

  it('an admin signs in and creates a tenant, edits it, suspends and resumes it', async () => {
    const { page } = admin;
    await signIn(page, ADMIN_TOKEN);
    await page.getByRole('heading', { level: 1, name: 'Tenants' }).waitFor();
    await expect(page.getByText('Signed in as admin').isVisible()).resolves.toBe(true);
    const form = page.getByRole('form', { name: 'Create a tenant' });
    await form.getByLabel('Name').fill(tenantName);
    await form.getByLabel('Media policy').selectOption('any');
    await form.getByLabel('Spend limit (USD)').fill('250.00');
    await form.getByRole('button', { name: 'Create tenant' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Created tenant ${tenantName}` })
      .waitFor();
    const created = (await gw.admin('GET', '/admin/tenants')).body.find((t: { name: string }) => t.name === tenantName);
    expect(created).toMatchObject({ media_policy: 'any', spend_limit_usd: '250.00', status: 'active' });
    tenantId = created.id;

    await page.getByLabel('Search tenants').fill(tenantName);
    await page.getByRole('button', { name: `Edit ${tenantName}` }).click();
    const edit = page.getByRole('form', { name: `Edit ${tenantName}` });
    await edit.getByLabel('Rate limit (requests per minute)').fill('120');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Saved ${tenantName}` })
      .waitFor();
    expect((await gw.admin('GET', `/admin/tenants/${tenantId}`)).body.rate_limit_per_minute).toBe(120);

    // A refusal of the API is shown as the API states it.
    await edit.getByLabel('Rate limit (requests per minute)').fill('0');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit.getByRole('alert').textContent()).resolves.toContain('rate_limit_per_minute');

    await edit.getByRole('button', { name: 'Suspend' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Saved ${tenantName} (suspended)` })
      .waitFor();
    expect((await gw.admin('GET', `/admin/tenants/${tenantId}`)).body.status).toBe('suspended');
    await edit.getByRole('button', { name: 'Resume' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Saved ${tenantName} (active)` })
      .waitFor();
    expect((await gw.admin('GET', `/admin/tenants/${tenantId}`)).body.status).toBe('active');
    await expectLabelled(page);
    await shot(page, '01-tenants');
  });

  it('issues a tenant token shown once, copies it, and the copy works against the tasks API', async () => {
    const { page } = admin;
    await go(page, 'tokens', 'Tokens');
    const form = page.getByRole('form', { name: 'Issue a token' });
    await form.getByLabel('Kind').selectOption('tenant');
    await form.getByLabel('Tenant').selectOption(tenantId);
    await form.getByLabel('Token name').fill('console-issued');
    await form.getByRole('button', { name: 'Issue token' }).click();
    const shown = await page.getByLabel('New token').inputValue();
    expect(shown).toMatch(/^oh-/);
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    tenantToken = await page.evaluate(() => navigator.clipboard.readText());
    expect(tenantToken).toBe(shown);
    await expectLabelled(page);
    await shot(page, '02-tokens-issued');
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByLabel('New token').count()).resolves.toBe(0);
    await page.getByRole('row').filter({ hasText: 'console-issued' }).waitFor();
  });

  it('changes a price; the history shows it', async () => {
    const { page } = admin;
    await go(page, 'prices', 'Prices');
    await page.getByTestId(`price-${SKU}`).filter({ hasText: '$5.60' }).waitFor();
    await expect(page.getByRole('table', { name: 'Prices in force' }).getByRole('row').count()).resolves.toBe(13);
    await page.getByLabel(`New price for ${SKU} (USD per million tokens)`).fill(NEW_PRICE);
    await page.getByRole('row').filter({ hasText: SKU }).getByRole('button', { name: 'Change' }).first().click();
    await page.getByTestId(`price-${SKU}`).filter({ hasText: '$9.50' }).waitFor();
    await page.getByRole('table', { name: 'Price changes, newest first' }).getByRole('row').filter({ hasText: SKU }).filter({ hasText: '$5.60' }).waitFor();
    expect((await gw.admin('GET', '/admin/prices')).body.find((p: { sku: string }) => p.sku === SKU).usd_per_million_tokens).toBe('9.50');
    // A bad value is refused by the API, in its words.
    await page.getByLabel(`New price for ${SKU} (USD per million tokens)`).fill('-1');
    await page.getByRole('row').filter({ hasText: SKU }).getByRole('button', { name: 'Change' }).first().click();
    await expect(page.getByRole('row').filter({ hasText: SKU }).getByRole('alert').textContent()).resolves.toContain(
      'usd_per_million_tokens must be a non-negative decimal',
    );
    await expectLabelled(page);
    await shot(page, '03-prices');
  });

  it('the copied token creates a task; the task log finds it by tenant and shows its detail', async () => {
    const created = await gw.call('POST', TASKS, { token: tenantToken, body: taskBody });
    expect(created.status).toBe(200);
    taskId = created.body.id;
    // Another tenant's task, which the tenant filter must leave out.
    const other = await gw.newTenant({ media_policy: 'any' });
    const otherTask = await gw.call('POST', TASKS, { token: other.token, body: taskBody });
    expect(otherTask.status).toBe(200);
    const { page } = admin;
    await go(page, 'tasks', 'Task log');
    await page.getByLabel('Tenant').selectOption(tenantId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const link = page.getByRole('link', { name: taskId });
    await link.waitFor();
    await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 1);
    await expect(page.getByRole('link', { name: otherTask.body.id }).count()).resolves.toBe(0);
    // The background sync finishes the task; the detail view follows it.
    await eventually(
      () => gw.call('GET', `${TASKS}/${taskId}`, { token: tenantToken }),
      (r) => r.body.status === 'succeeded',
      15_000,
    );
    await link.click();
    await page.getByRole('heading', { level: 1, name: taskId }).waitFor();
    await page.locator('.facts').getByText('succeeded').waitFor();
    await expect(page.locator('.facts').textContent()).resolves.toContain(SKU);
    await shot(page, '04-task-detail');
    await go(page, 'tasks', 'Task log');
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No task matches these filters.').waitFor();
    await expectLabelled(page);
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('link', { name: taskId }).waitFor();
    await shot(page, '05-task-log');
  });

  it('usage shows the succeeded task at the new price, by tenant', async () => {
    const { page } = admin;
    await eventually(
      () => gw.admin('GET', `/billing/usage?tenant_id=${tenantId}`),
      (r) => r.body.totals?.tasks === 1,
      15_000,
    );
    const usd = expectedUsd(40594, NEW_PRICE).replace(/0+$/, '');
    await go(page, 'usage', 'Usage');
    await page.getByLabel('Tenant').selectOption(tenantId);
    await page.getByRole('button', { name: 'Show usage' }).click();
    await page
      .getByTestId('usage-total-usd')
      .filter({ hasText: `$${usd}` })
      .waitFor();
    await expect(page.getByTestId('usage-total-tasks').textContent()).resolves.toBe('1');
    await page
      .getByRole('row')
      .filter({ hasText: tenantName })
      .filter({ hasText: `$${usd}` })
      .waitFor();
    await page.getByLabel('Group by').selectOption('sku');
    await page.getByRole('row').filter({ hasText: SKU }).waitFor();
    await expectLabelled(page);
    await shot(page, '06-usage');
  });

  it('revokes a token after a confirmation; the API refuses it from then on', async () => {
    const issued = await gw.admin('POST', `/admin/tenants/${tenantId}/tokens`, { name: 'to-revoke' });
    expect((await gw.call('GET', TASKS, { token: issued.body.token })).status).toBe(200);
    const { page } = admin;
    await go(page, 'tokens', 'Tokens');
    await page.getByLabel('Search tokens').fill('to-revoke');
    const row = page.getByRole('row').filter({ hasText: 'to-revoke' });
    await row.getByRole('button', { name: 'Revoke to-revoke' }).click();
    await row.getByRole('button', { name: 'Confirm revoke' }).click();
    // Once the list reloads, the row shows when it was revoked and offers no action any more.
    await row.locator('td').nth(4).filter({ hasText: /UTC$/ }).waitFor();
    await expect(row.getByRole('button').count()).resolves.toBe(0);
    await eventually(
      () => gw.call('GET', TASKS, { token: issued.body.token }),
      (r) => r.status === 401,
    );
    // The token the task was made with is untouched.
    expect((await gw.call('GET', TASKS, { token: tenantToken })).status).toBe(200);
  });

  it('model mappings: a refused mapping shows the API’s refusal inline', async () => {
    const { page } = admin;
    await go(page, 'models', 'Model mappings');
    await page.getByLabel('Upstream model for dreamina-seedance-2-0-filter-off').waitFor();
    await expect(page.getByRole('row').count()).resolves.toBe(6);
    const official = (await gw.admin('GET', '/admin/model-mappings')).body.find(
      (m: { model: string }) => m.model === 'dreamina-seedance-2-0',
    ).official_upstream_model;
    await page.getByLabel('Upstream model for dreamina-seedance-2-0-filter-off').fill(official);
    const row = page.getByRole('row').filter({ has: page.getByLabel('Upstream model for dreamina-seedance-2-0-filter-off') });
    await row.getByRole('button', { name: 'Set' }).click();
    await row.getByRole('alert').waitFor();
    expect(await row.getByRole('alert').textContent()).toMatch(/HTTP 400/);
    await expectLabelled(page);
    await shot(page, '07-model-mappings');
  });

  it('the task log and reconciliation pages render, an unresolved asset create shows in its table; the console works at a phone width too', async () => {
    const { page } = admin;
    // An asset create whose answer is lost and whose upstream listing keeps failing stays unresolved.
    const lost = await gw.newTenant();
    const action = (name: string) => `/volcark/?Action=${name}&Version=2024-01-01`;
    const group = (await gw.call('POST', action('CreateAssetGroup'), { token: lost.token, body: { Name: 'console-recon' } })).body.Result.Id;
    gw.sandbox.control.addFault({ op: 'ListAssets', kind: 'status', status: 500, times: Infinity });
    gw.sandbox.control.addFault({ op: 'CreateAsset', kind: 'reset', afterHandling: true });
    try {
      const created = await gw.call('POST', action('CreateAsset'), {
        token: lost.token,
        body: { GroupId: group, URL: 'https://media.example.com/recon.png', AssetType: 'Image', Name: 'console-lost' },
      });
      expect(created.status).toBe(502);
      await go(page, 'reconciliation', 'Reconciliation');
      await page.waitForFunction(() => !document.querySelector('.loading'));
      const table = page.getByRole('table', { name: /Unresolved asset-library creates/ });
      const row = table.getByRole('row').filter({ hasText: lost.id });
      await row.waitFor();
      const cells = await row.getByRole('cell').allTextContents();
      expect(cells).toEqual(
        expect.arrayContaining([
          'Asset',
          'unknown',
          expect.stringContaining('Name: console-lost'),
          expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
        ]),
      );
      expect(cells.join(' ')).toContain(`GroupId: ${group}`);
      await expect(table.getByRole('columnheader').allTextContents()).resolves.toEqual([
        'Created',
        'Tenant',
        'Kind',
        'Submission',
        'Sent upstream',
        'Status',
        'Reason',
        'Request id',
      ]);
      await expect(page.getByRole('table', { name: /Unresolved task creates/ }).count()).resolves.toBe(0);
      await expect(page.getByRole('heading', { level: 2, name: /Upstream orphans \(0\)/ }).isVisible()).resolves.toBe(true);
    } finally {
      gw.sandbox.control.clearFaults();
    }
    await shot(page, '08-reconciliation');
    await page.setViewportSize({ width: 390, height: 844 });
    await go(page, 'tenants', 'Tenants');
    await shot(page, '09-tenants-phone');
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !el.closest('.table-wrap, .sidebar ul'))
        .map((el) => `${el.tagName}.${el.className}`)
        .slice(0, 5),
    );
    expect(wide).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('is usable from the keyboard: tab to a navigation link and open it', async () => {
    const { page } = admin;
    await go(page, 'tenants', 'Tenants');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Tenants' }).waitFor();
    let focused = '';
    for (let i = 0; i < 15 && focused !== 'Tokens'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    }
    expect(focused).toBe('Tokens');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Tokens' }).waitFor();
  });

  it('long lists are paged and searchable: tenants, 20 to a page', async () => {
    for (let i = 0; i < 20; i++) expect((await gw.admin('POST', '/admin/tenants', { name: `paged-${i}` })).status).toBe(201);
    const total = (await gw.admin('GET', '/admin/tenants')).body.length;
    const { page } = admin;
    await go(page, 'tenants', 'Tenants');
    const pager = page.getByRole('navigation', { name: 'Tenant pages' });
    await pager.getByText(`Page 1 of ${Math.ceil(total / 20)}`).waitFor();
    await expect(page.locator('main table tbody tr').count()).resolves.toBe(20);
    await pager.getByRole('button', { name: 'Next' }).click();
    await pager.getByText(`Page 2 of ${Math.ceil(total / 20)}`).waitFor();
    await expect(page.locator('main table tbody tr').count()).resolves.toBe(total - 20);
    await page.getByLabel('Search tenants').fill('paged-1');
    await expect(page.locator('main table tbody tr').count()).resolves.toBe(11); // paged-1, paged-10 … paged-19
    await expect(pager.count()).resolves.toBe(0);
  });

  it('an auditor sees only the audit pages, verifies the chain, and downloads both exports with the task in them', async () => {
    const issued = await gw.admin('POST', '/admin/tokens', { name: 'console-auditor', role: 'auditor' });
    const { context, page } = await openContext();
    await signIn(page, issued.body.token);
    await page.getByRole('heading', { level: 1, name: 'Audit events' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Console' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual(['Usage', 'Reconciliation', 'Audit events', 'Chain verification', 'Exports']);

    await page.getByLabel('Action').fill('task.create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('row').filter({ hasText: taskId }).waitFor();
    await page.getByRole('row').filter({ hasText: taskId }).getByRole('button', { name: 'Details' }).click();
    await expect(page.locator('pre.json').textContent()).resolves.toContain('upstream_request');
    await expectLabelled(page);
    await shot(page, '10-audit-events');

    await go(page, 'verify', 'Chain verification');
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByTestId('verify-result').waitFor();
    const verdict = await page.getByTestId('verify-result').textContent();
    const api = (await gw.admin('GET', '/audit/verify')).body;
    expect(api.ok).toBe(true);
    expect(verdict).toContain('The chain holds');
    await shot(page, '11-verify');

    await go(page, 'exports', 'Task exports');
    await page.getByLabel('Tenant id').fill(tenantId);
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(csvDownload.suggestedFilename()).toBe('tasks.csv');
    const csv = readFileSync(await csvDownload.path(), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0].split(',')).toEqual(expect.arrayContaining(['task_id', 'tenant_id', 'amount_usd']));
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(taskId);
    expect(csv[1]).toContain(tenantId);
    const [ndDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download NDJSON' }).click()]);
    expect(ndDownload.suggestedFilename()).toBe('tasks.ndjson');
    const rows = readFileSync(await ndDownload.path(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toEqual([expect.objectContaining({ task_id: taskId, tenant_id: tenantId, status: 'succeeded', sku: SKU })]);
    await page.getByRole('status').filter({ hasText: 'Downloaded tasks.ndjson' }).waitFor();
    await expectLabelled(page);
    await shot(page, '12-exports');

    await go(page, 'usage', 'Usage');
    await page.getByTestId('usage-total-tasks').waitFor();
    await shot(page, '13-usage-auditor');
    // Admin-only pages are not reachable by URL either: the shell falls back to the first allowed page.
    await page.goto(`${gw.url}/console/#/tenants`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Usage');
    await context.close();
  });

  it('no page threw a script error or broke its content policy', () => {
    expect(pageProblems).toEqual([]);
  });
});
