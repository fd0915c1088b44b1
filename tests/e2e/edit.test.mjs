// edit.test.mjs: editing a record in Chromium, as a coordinator or admin would: sign in,
// open a city's edit form from its page, type a population that is not a number, see the
// error beside the field with the typed value kept, correct it, save, find the new value
// on the page and the change in the city's history, then sign out. Weinan is used because
// no other test reads its figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, BASE, DESKTOP, screenshot } from './helpers.mjs';

const PASSWORD = process.env.C2C_ADMIN_PASSWORD;
let chrome;

before(async () => { chrome = await startBrowser(); });
after(async () => { await chrome?.close(); });

test('sign in, edit a city, see the error beside the field, correct, save, see the history, sign out',
  { skip: !PASSWORD && 'run.sh exported no C2C_ADMIN_PASSWORD' }, async () => {
    const context = await chrome.browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // The refused save is answered 422 on purpose (the form comes back with the error);
    // Chromium logs that status as a console error, which is no fault of the page.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 422/.test(m.text())) errors.push(m.text());
    });

    await page.goto(BASE + '/login?next=%2Fcities%2Fweinan');
    await page.getByLabel('Login name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(BASE + '/cities/weinan');

    await page.getByRole('link', { name: 'Edit this city' }).click();
    await page.waitForURL(BASE + '/cities/weinan/edit');
    const population = page.getByLabel('Population');
    await population.fill('5 million');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('alert').first().innerText(), /population must be a whole number/);
    assert.equal(await population.inputValue(), '5 million', 'what the user typed is kept');
    assert.equal(await population.getAttribute('aria-invalid'), 'true');
    assert.equal(await population.getAttribute('aria-describedby'), 'f-population-error', 'the message is read with the field');
    const beside = page.locator('#f-population-error');
    assert.match(await beside.innerText(), /whole number/);
    await screenshot(page, 'edit-error-desktop');

    await population.fill('5300000');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(BASE + '/cities/weinan');
    assert.match(await page.locator('dl.facts').innerText(), /5\u202f300\u202f000/);

    await page.getByRole('link', { name: 'History of changes' }).click();
    await page.waitForURL(BASE + '/cities/weinan/history');
    const latest = page.locator('ol.audit > li').first();
    assert.match(await latest.innerText(), /update/);
    assert.match(await latest.innerText(), /admin \(web\)/);
    assert.match(await latest.innerText(), /population/);
    assert.match(await latest.innerText(), /5300000/);
    await screenshot(page, 'history-desktop');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(BASE + '/');
    await page.goto(BASE + '/cities/weinan/edit');
    assert.match(page.url(), /\/login/, 'signed out, the form is out of reach');
    assert.deepEqual(errors, []);
    await context.close();
  });
