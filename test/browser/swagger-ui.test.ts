// Swagger UI (/docs) in a real browser: headless Debian Chromium driven by playwright-core against
// the real app with a bearer token configured. It checks that the page renders every operation of
// the contract, that "Authorize" with the token works, and that "Try it out" -> "Execute" on
// GET /Users and POST /Users answers 200 and 201 in the page. It also refreshes docs/swagger-ui.png.
//
// Chromium: `apt-get install -y --no-install-recommends chromium` (CI does this in .ci/run). Without
// it the suite fails in CI and is skipped locally.
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, captureSwaggerUi, launchChromium, openSwaggerUi, SCREENSHOT_PATH, type LaunchedBrowser } from '../../scripts/screenshot.ts';
import { startApp, type TestApp } from '../helpers/scim-app.ts';

const TOKEN = 'browser-token';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
const chromiumInstalled = existsSync(CHROMIUM_PATH);

if (!chromiumInstalled && process.env.CI) {
  throw new Error(
    `The browser test needs Chromium at ${CHROMIUM_PATH}, and CI must run it: install it with ` +
      '`apt-get update && apt-get install -y --no-install-recommends chromium` (see .ci/run)',
  );
}

interface ContractOperation {
  operationId: string;
  method: string;
  path: string;
  summary: string;
  tags: string[];
}

/** Every operation the served contract declares. */
function contractOperations(contract: Record<string, any>): ContractOperation[] {
  const ops: ContractOperation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(contract.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op) ops.push({ operationId: op.operationId, method: method.toUpperCase(), path, summary: op.summary, tags: op.tags ?? ['default'] });
    }
  }
  return ops;
}

/** Expands an operation, presses "Try it out" and returns the operation block. */
async function tryItOut(page: Page, blockId: string): Promise<Locator> {
  const block = page.locator(`#${blockId}`);
  if (!(await block.evaluate((el) => el.classList.contains('is-open')))) {
    await block.locator('.opblock-summary-control').click();
  }
  const tryOut = block.locator('button.try-out__btn');
  if ((await tryOut.textContent())?.trim() === 'Try it out') await tryOut.click();
  await block.locator('button.execute').waitFor();
  // Try it out fills the query parameters with the contract's examples (filter userName eq
  // "bjensen", attributes=userName,emails, ...): clear them for a plain request.
  for (const input of await block.locator('tr[data-param-in="query"] input[type="text"]').all()) await input.fill('');
  return block;
}

/** Presses "Execute" and returns the status Swagger UI shows for the live response. */
async function execute(block: Locator): Promise<{ status: string; body: string; curl: string }> {
  const status = block.locator('.live-responses-table .response .response-col_status');
  const clear = block.locator('button.btn-clear');
  if (await clear.count()) await clear.click(); // forget the previous response
  await expect.poll(() => status.count()).toBe(0);
  await block.locator('button.execute').click();
  await status.first().waitFor();
  return {
    status: (await status.first().textContent())!.trim(),
    body: (await block.locator('.live-responses-table .response-col_description .highlight-code pre').first().textContent()) ?? '',
    curl: (await block.locator('.curl-command').textContent()) ?? '',
  };
}

describe.skipIf(!chromiumInstalled)('Swagger UI in Chromium', () => {
  let app: TestApp;
  let chromium: LaunchedBrowser;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    app = await startApp({ tokens: [TOKEN] });
    chromium = await launchChromium();
    browser = chromium.browser;
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000); // a missing element fails its test, not the suite's clock
    await openSwaggerUi(page, app.origin);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await chromium?.close();
    await app?.close();
  });

  it('renders every operation of the contract, with its summary', async () => {
    const contract = (await (await fetch(`${app.origin}/openapi.json`)).json()) as Record<string, any>;
    const operations = contractOperations(contract);
    expect(operations.length).toBeGreaterThan(20);

    // Swagger UI lists an operation under each of its tags, as block #operations-<tag>-<operationId>.
    const shown = await page.locator('.opblock').evaluateAll((blocks) =>
      blocks.map((b) => ({
        id: b.id,
        method: b.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '',
        path: b.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '',
        summary: b.querySelector('.opblock-summary-description')?.textContent?.trim() ?? '',
      })),
    );
    const expected = operations.flatMap((op) =>
      op.tags.map((tag) => ({ id: `operations-${tag}-${op.operationId}`, method: op.method, path: op.path, summary: op.summary })),
    );
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(shown.sort(byId)).toEqual(expected.sort(byId));
    expect(new Set(shown.map((s) => s.id.replace(/^operations-[^-]+-/, '')))).toEqual(new Set(operations.map((o) => o.operationId)));

    await expect.poll(() => page.locator('.info .title').textContent()).toContain(contract.info.title);
  });

  it('sends nothing without authorization: Execute on GET /Users shows 401', async () => {
    const block = await tryItOut(page, 'operations-Users-listUsers');
    const res = await execute(block);
    expect(res.status).toBe('401');
    expect(res.curl).not.toContain('Authorization');
  });

  it('authorizes with the bearer token', async () => {
    await page.locator('.scheme-container button.authorize').click();
    const modal = page.locator('.dialog-ux .modal-ux');
    await modal.waitFor();
    const scheme = modal.locator('.auth-container').filter({ hasText: 'bearerAuth' });
    await scheme.locator('input').fill(TOKEN);
    await scheme.locator('button.authorize').click();
    await expect.poll(() => scheme.locator('button').first().textContent()).toBe('Logout');
    await scheme.locator('button.btn-done').click(); // "Close" (each scheme has its own)
    await modal.waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('.scheme-container button.authorize').getAttribute('class')).toMatch(/\blocked\b/);
  });

  it('Try it out -> Execute on GET /Users answers 200', async () => {
    await app.server.users.create({ userName: 'swagger-listed' });
    const block = await tryItOut(page, 'operations-Users-listUsers');
    const res = await execute(block);
    expect(res.status).toBe('200');
    expect(res.curl).toContain(`Authorization: Bearer ${TOKEN}`);
    expect(JSON.parse(res.body)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      Resources: expect.arrayContaining([expect.objectContaining({ userName: 'swagger-listed' })]),
    });
  });

  it('Try it out -> Execute on POST /Users answers 201 and creates the User', async () => {
    const block = await tryItOut(page, 'operations-Users-createUser');
    const body = block.locator('textarea.body-param__text');
    // The editor starts with the contract's example request (RFC 7644 §3.3, bjensen); send it as is.
    expect(JSON.parse(await body.inputValue())).toMatchObject({ userName: 'bjensen' });
    const res = await execute(block);
    expect(res.status).toBe('201');
    expect(res.curl).toContain('application/scim+json');
    const created = JSON.parse(res.body);
    expect(created).toMatchObject({ userName: 'bjensen', meta: { resourceType: 'User' } });
    expect((await app.server.users.get(created.id)).userName).toBe('bjensen');

    // The same again is a uniqueness conflict, shown as such.
    const again = await execute(block);
    expect(again.status).toBe('409');
    expect(JSON.parse(again.body)).toMatchObject({ scimType: 'uniqueness', status: '409' });
  });

  it(`saves a screenshot of /docs to ${SCREENSHOT_PATH.replace(/.*\/(docs\/)/, '$1')}`, async () => {
    await captureSwaggerUi(browser, app.origin);
    expect(existsSync(SCREENSHOT_PATH)).toBe(true);
  });
});
