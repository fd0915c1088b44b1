// directory.test.mjs: the public directory at / and /cities: listing, the filter form
// used without JavaScript, the result count, the empty state and paging.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, startBrowser, openPage, visit, directoryRows } from './helpers.mjs';

const ALL = ['Haikou – Nice, Granada, Rome', 'Nice – Haikou, Kunming, Zhengzhou', 'Nice – Haikou'];
let chrome;

before(async () => { chrome = await startBrowser(); });
after(async () => { await chrome?.close(); });

test('the directory lists the three demo cooperations', async () => {
  const page = await openPage(chrome.browser);
  const res = await visit(page, '/');
  assert.equal(res.status(), 200);
  assert.deepEqual((await directoryRows(page)).sort(), [...ALL].sort());
  assert.match(await page.locator('.count').innerText(), /^3 cooperations\b/);
  // each row shows its member cities and a status
  const row = page.locator('tbody tr', { has: page.locator('a[href="/cooperations/nice-haikou"]') });
  assert.deepEqual(await row.locator('ul.members a').allTextContents(), ["Métropole Nice Côte d'Azur", 'Haikou']);
  assert.equal((await row.locator('.status').innerText()).toLowerCase(), 'active');
  assert.deepEqual(page.problems, []);
  await page.closeAll();
});

test('the filter form works without JavaScript', async () => {
  const page = await openPage(chrome.browser, { javaScriptEnabled: false });
  await visit(page, '/');

  await page.getByLabel('Topic').selectOption('Health and well-being');
  await Promise.all([page.waitForURL(/topic=/), page.getByRole('button', { name: /show cooperations/i }).click()]);
  let url = new URL(page.url());
  assert.equal(url.pathname, '/');
  assert.equal(url.searchParams.get('topic'), 'Health and well-being');
  assert.deepEqual((await directoryRows(page)).sort(), ['Haikou – Nice, Granada, Rome', 'Nice – Haikou, Kunming, Zhengzhou']);
  assert.match(await page.locator('.count').innerText(), /^2 cooperations\b/);
  // the form remembers the choice
  assert.equal(await page.getByLabel('Topic').inputValue(), 'Health and well-being');

  await page.getByLabel('Country').selectOption({ label: 'Spain' });
  await page.getByLabel('Kind').selectOption('cluster');
  await Promise.all([page.waitForURL(/country=ES/), page.getByRole('button', { name: /show cooperations/i }).click()]);
  url = new URL(page.url());
  assert.equal(url.searchParams.get('country'), 'ES');
  assert.equal(url.searchParams.get('kind'), 'cluster');
  assert.equal(url.searchParams.get('topic'), 'Health and well-being');
  assert.deepEqual(await directoryRows(page), ['Haikou – Nice, Granada, Rome']);
  assert.match(await page.locator('.count').innerText(), /^1 cooperation\b/);

  await Promise.all([page.waitForURL(BASE + '/'), page.getByRole('link', { name: 'Clear filters' }).click()]);
  assert.equal(new URL(page.url()).search, '');
  assert.equal((await directoryRows(page)).length, 3);
  assert.equal(await page.getByLabel('Topic').inputValue(), '');
  await page.closeAll();
});

test('a filter that matches nothing shows a clear empty state', async () => {
  const page = await openPage(chrome.browser, { javaScriptEnabled: false });
  const res = await visit(page, '/?kind=pairing&country=ES');
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('table.directory').count(), 0);
  assert.match(await page.locator('.count').innerText(), /^(0|No) cooperations?\b/i);
  const empty = page.locator('.empty');
  assert.match(await empty.innerText(), /removing one of the filters/i);
  // each active filter is listed, with a link that removes just that one
  const chips = page.getByRole('list', { name: 'Active filters' }).getByRole('link');
  assert.equal(await chips.count(), 2);
  const kind = page.getByRole('link', { name: 'Remove filter Kind: Pairing', exact: true });
  assert.equal(await page.getByRole('link', { name: 'Remove filter Country: Spain', exact: true }).count(), 1);
  await Promise.all([page.waitForURL(/\?country=ES$/), kind.click()]);
  assert.equal(await page.locator('.count').innerText(), '1 cooperation matches these filters');
  assert.deepEqual(await directoryRows(page), ['Haikou – Nice, Granada, Rome']);
  await visit(page, '/?kind=pairing&country=ES');
  await Promise.all([page.waitForURL(BASE + '/'), empty.getByRole('link').first().click()]);
  assert.equal((await directoryRows(page)).length, 3);
  await page.closeAll();
});

test('the result count is announced to screen readers', async () => {
  const page = await openPage(chrome.browser);
  await visit(page, '/?kind=pairing');
  const count = page.locator('.count');
  assert.equal(await count.getAttribute('role'), 'status');
  assert.match(await count.innerText(), /^1 cooperation\b/);
  await page.closeAll();
});

test('paging keeps the filters', async () => {
  const page = await openPage(chrome.browser, { javaScriptEnabled: false });
  await visit(page, '/?kind=cluster&limit=1');
  assert.equal((await directoryRows(page)).length, 1);
  const first = (await directoryRows(page))[0];
  const next = page.locator('a[rel="next"]');
  const href = new URL(await next.getAttribute('href'), BASE);
  assert.equal(href.searchParams.get('kind'), 'cluster');
  assert.equal(href.searchParams.get('limit'), '1');
  assert.ok(href.searchParams.get('cursor'));
  await Promise.all([page.waitForURL(/cursor=/), next.click()]);
  const second = await directoryRows(page);
  assert.equal(second.length, 1);
  assert.notEqual(second[0], first);
  await page.closeAll();
});

test('a topic tag links to the directory filtered by that topic', async () => {
  const page = await openPage(chrome.browser);
  await visit(page, '/cooperations/nice-haikou');
  await Promise.all([page.waitForURL(/topic=/),
    page.locator('ul.tags').getByRole('link', { name: 'Energy transition' }).click()]);
  assert.equal(new URL(page.url()).searchParams.get('topic'), 'Energy transition');
  assert.deepEqual((await directoryRows(page)).sort(), ['Nice – Haikou', 'Nice – Haikou, Kunming, Zhengzhou']);
  await page.closeAll();
});

test('/cities lists the cities with their facts and filters by country', async () => {
  const page = await openPage(chrome.browser, { javaScriptEnabled: false });
  const res = await visit(page, '/cities');
  assert.equal(res.status(), 200);
  const names = await directoryRows(page);
  assert.equal(names.length, 10);
  for (const name of ['Haikou', 'Granada', 'Rome', "Métropole Nice Côte d'Azur", 'Tianjin']) assert.ok(names.includes(name), name);
  assert.match(await page.locator('.count').innerText(), /^10 cities\b/);
  const haikou = page.locator('tbody tr', { has: page.locator('a[href="/cities/haikou"]') });
  assert.match(await haikou.innerText(), /China/);
  assert.match(await haikou.innerText(), /2\u202f270\u202f000/);
  assert.match(await haikou.innerText(), /2\u202f305\u00a0km²/);

  await page.getByLabel('Country').selectOption({ label: 'Italy' });
  await Promise.all([page.waitForURL(/country=IT/), page.getByRole('button', { name: /show cities/i }).click()]);
  assert.deepEqual(await directoryRows(page), ['Rome']);
  await Promise.all([page.waitForURL(BASE + '/cities'), page.getByRole('link', { name: 'Clear filters' }).click()]);
  assert.equal((await directoryRows(page)).length, 10);
  await page.closeAll();
});

test('a bad filter value gets a clear error page, not a crash', async () => {
  const page = await openPage(chrome.browser);
  const res = await visit(page, '/?kind=nonsense');
  assert.ok(res.status() >= 400 && res.status() < 500, `status ${res.status()}`);
  assert.equal(await page.locator('h1').count(), 1);
  assert.match(await page.locator('main').innerText(), /kind/);
  assert.ok(await page.locator('main a[href="/"]').count() > 0);
  await page.closeAll();
});

test('markup in a filter value is shown as text, never run', async () => {
  const page = await openPage(chrome.browser);
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
  const payload = '"><img src=x onerror=alert(1)>';
  const res = await visit(page, `/?q=${encodeURIComponent(payload)}`);
  assert.equal(res.status(), 200);
  assert.equal(await page.getByLabel('Name or city').inputValue(), payload);
  assert.match(await page.getByRole('list', { name: 'Active filters' }).innerText(), /<img src=x onerror=alert\(1\)>/);
  assert.equal(await page.locator('main img').count(), 0);
  assert.equal(dialogs, 0);
  await page.closeAll();
});
