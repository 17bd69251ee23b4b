import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/console-build';
import { startGateway, type TestGateway } from '../support/test-gateway';

/**
 * The API docs as a new user meets them, in the system Chromium: open /docs, Authorize with a tenant token, open the
 * task create operation, Try it out with its first example as shown, Execute, and see 200 with the task id. Nothing
 * has to be filled in besides the token (no spurious required header).
 */
jest.setTimeout(60_000);

const SCREENSHOTS = join(__dirname, '../../test-results/docs');

describe('Swagger UI in Chromium', () => {
  let gw: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    gw = await startGateway();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('Authorize with a tenant token, Try it out on task create, Execute → 200 with the task id', async () => {
    const tenant = await gw.newTenant();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));

    await page.goto(`${gw.url}/docs`);
    await page.locator('button.authorize').first().click();
    await page.locator('.modal-ux input').first().fill(tenant.token);
    await page.locator('.modal-ux button.authorize').first().click();
    await page.locator('.modal-ux button.btn-done, .modal-ux button.close-modal').first().click();

    const create = page
      .locator('.opblock-post')
      .filter({ has: page.locator('[data-path="/volcark/api/v3/contents/generations/tasks"]') })
      .first();
    await create.locator('.opblock-summary').first().click();
    await create.locator('button.try-out__btn').click();
    await create.locator('button.execute').click();

    const status = create.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'try-it-out-create.png'), fullPage: false });
    expect((await status.innerText()).trim()).toBe('200');
    const body = await create.locator('.live-responses-table .response-col_description pre').first().innerText();
    expect(JSON.parse(body)).toEqual({ id: expect.stringMatching(/^cgt-/) });
    // The task exists for that tenant: the request Swagger sent carried the token.
    const id = JSON.parse(body).id as string;
    expect((await gw.call('GET', `/volcark/api/v3/contents/generations/tasks/${id}`, { token: tenant.token })).status).toBe(200);
    expect(problems).toEqual([]);
  });
});
