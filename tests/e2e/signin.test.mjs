// signin.test.mjs: signing in and out in Chromium, with the keyboard: the header's link
// leads to the form and back to the page; a wrong password is announced beside the form
// and keeps the login typed; the header then names the user and role; the session cookie
// is out of reach of scripts; signing out is a button (a POST with the CSRF token).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, BASE, DESKTOP, screenshot } from './helpers.mjs';

const PASSWORD = process.env.C2C_ADMIN_PASSWORD;
let chrome;

before(async () => { chrome = await startBrowser(); });
after(async () => { await chrome?.close(); });

test('sign in from a page, come back to it, sign out', { skip: !PASSWORD && 'run.sh exported no C2C_ADMIN_PASSWORD' },
  async () => {
    // A context of its own: the session must not leak into the other tests' pages.
    const context = await chrome.browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(BASE + '/cities/nice');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(/\/login\?next=%2Fcities%2Fnice$/);

    await page.getByLabel('Login name').fill('admin');
    await page.getByLabel('Password').fill('not the right password');
    await page.keyboard.press('Enter');
    await page.waitForLoadState('load');
    await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'not right' }).waitFor());
    assert.equal(await page.getByLabel('Login name').inputValue(), 'admin');
    assert.equal(await page.getByLabel('Password').inputValue(), '');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).press('Enter');
    await page.waitForURL(BASE + '/cities/nice');
    const account = page.locator('header.site .account');
    assert.match(await account.innerText(), /admin\s+admin/);
    await screenshot(page, 'signed-in-desktop');
    assert.doesNotMatch(await page.evaluate(() => document.cookie), /c2c_session/, 'the session cookie is HttpOnly');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(BASE + '/');
    assert.ok(await page.getByRole('link', { name: 'Sign in' }).isVisible());
    await context.close();
  });
