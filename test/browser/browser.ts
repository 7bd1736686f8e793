// Debian's Chromium driven by playwright-core against the real server, listening on a real
// socket in this process. Nothing is downloaded: the browser is the system package that
// .ci/run installs (`apt-get install chromium`).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Config } from '../../src/config.js';
import type { Dialect } from '../../src/db/store.js';
import { testApp, type TestApp } from '../helpers/app.js';

export const CHROMIUM = process.env.PLACEORDER_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

export interface BrowserRig {
  readonly t: TestApp;
  /** http://127.0.0.1:PORT */
  readonly base: string;
  readonly context: BrowserContext;
  /** Messages the pages logged, CSP violations included (a test may assert there are none). */
  readonly consoleMessages: string[];
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /**
   * A full-page screenshot under docs/screenshots/. `mask` covers what differs between runs
   * (licence codes, the server's port), so an unchanged page gives an unchanged file.
   */
  screenshot(page: Page, name: string, mask?: Locator[]): Promise<void>;
  close(): Promise<void>;
}

export async function browserRig(dialect: Dialect, overrides: Partial<Config> = {}): Promise<BrowserRig> {
  const t = await testApp(dialect, overrides);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server did not listen on a TCP port');
  const base = `http://127.0.0.1:${address.port}`;
  const profile = mkdtempSync(join(tmpdir(), 'placeorder-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const consoleMessages: string[] = [];
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    t,
    base,
    context,
    consoleMessages,
    async newPage(viewport) {
      const page = await context.newPage();
      // Shorter than the test timeout, so a missing element fails with a locator message.
      page.setDefaultTimeout(8_000);
      if (viewport) await page.setViewportSize(viewport);
      page.on('console', (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
      page.on('dialog', (d) => {
        consoleMessages.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      return page;
    },
    async screenshot(page, name, mask = []) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, mask, maskColor: '#d0d4d6' });
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      await t.close();
    },
  };
}

/**
 * Accessibility checks a test can make on any page: every visible form control has a label
 * (its accessible name comes from a <label>, not from a placeholder), and at the given width
 * nothing forces the reader to scroll sideways.
 */
export async function checkPage(page: Page, widthPx?: number): Promise<{ unlabelled: string[]; overflowPx: number }> {
  const unlabelled: string[] = [];
  for (const control of await page.locator('input:not([type=hidden]), select, textarea').all()) {
    const labels = await control.evaluate((e) => (e as HTMLInputElement).labels?.length ?? 0);
    if (labels === 0) unlabelled.push(await control.evaluate((e) => e.outerHTML.slice(0, 120)));
  }
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  return { unlabelled, overflowPx: widthPx === undefined ? 0 : Math.max(0, scrollWidth - widthPx) };
}

/** A new customer on the ordering page: what they type. `login` and `password` make an account. */
export interface NewCustomer {
  readonly email: string;
  readonly name: string;
  readonly login?: string;
  readonly password?: string;
}

/**
 * Fills the open ordering page by its labels as a new customer, places the order and returns the
 * order number the receipt shows.
 */
export async function placeOrderAsNewCustomer(page: Page, c: NewCustomer): Promise<number> {
  await page.getByLabel('Email address').fill(c.email);
  await page.getByLabel('Full name').fill(c.name);
  if (c.login !== undefined) {
    await page.getByLabel('New customer').check();
    await page.getByLabel('Login name').fill(c.login);
    await page.getByLabel('Password').fill(c.password ?? '');
  }
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByRole('heading', { name: 'Order placed' }).waitFor();
  return Number(await page.locator('#order-number').textContent());
}

/** Fills a sign-in form (the console's or the portal's, which share their labels) and sends it. */
export async function submitSignIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('Login name').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Each signed-in face: the heading of its sign-in page, and of the page a sign-in lands on. */
export const SIGN_IN = {
  console: { heading: 'Sign in to the reseller console', landing: 'Dashboard' },
  portal: { heading: 'Sign in to see your licences', landing: 'My licences' },
} as const;

/**
 * Signs in on the open sign-in page of the console (an API user: lands on the dashboard) or of
 * the portal (a customer: lands on their licences), waiting for each page by its heading.
 */
export async function signInTo(page: Page, face: keyof typeof SIGN_IN, login: string, password: string): Promise<void> {
  await page.getByRole('heading', { name: SIGN_IN[face].heading }).waitFor();
  await submitSignIn(page, login, password);
  await page.getByRole('heading', { name: SIGN_IN[face].landing }).waitFor();
}
