// pages.test.mjs: following links from the directory to a cooperation and on to a city,
// and what each page shows; the 404 page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, startBrowser, openPage, visit, PHONE } from './helpers.mjs';

const NNBSP = '\u202f';   // html_number groups digits with narrow no-break spaces
let chrome;

before(async () => { chrome = await startBrowser(); });
after(async () => { await chrome?.close(); });

test('from the directory to Nice – Haikou: cities side by side, topics, goals, history', async () => {
  const page = await openPage(chrome.browser);
  await visit(page, '/');
  await Promise.all([page.waitForURL('**/cooperations/nice-haikou'),
    page.getByRole('link', { name: 'Nice – Haikou', exact: true }).click()]);
  assert.equal(await page.locator('h1').innerText(), 'Nice – Haikou');
  assert.match(await page.title(), /^Nice – Haikou · /);

  // breadcrumb back to the directory
  const crumb = page.getByRole('navigation', { name: 'Breadcrumb' });
  assert.equal(await crumb.getByRole('link').first().getAttribute('href'), '/');

  // the two member cities, side by side on a desktop screen
  const cards = page.locator('.city-card');
  assert.equal(await cards.count(), 2);
  assert.match(await cards.nth(0).innerText(), /Métropole Nice Côte d'Azur/);
  assert.match(await cards.nth(1).innerText(), /Haikou/);
  assert.match(await cards.nth(0).innerText(), new RegExp(`540${NNBSP}000`));
  assert.match(await cards.nth(1).innerText(), new RegExp(`2${NNBSP}270${NNBSP}000`));
  assert.match(await cards.nth(1).innerText(), /Ding Hui/);
  const [a, b] = [await cards.nth(0).boundingBox(), await cards.nth(1).boundingBox()];
  assert.ok(Math.abs(a.y - b.y) < 1 && b.x > a.x + a.width - 1, `cards side by side: ${JSON.stringify([a, b])}`);

  // the six topics of the pairing page (seed 000)
  const topics = await page.locator('section[aria-labelledby="topics"] ul.tags a').allTextContents();
  assert.deepEqual(topics, ['Digital transition', 'Education, jobs and skills in the local economy', 'Energy transition',
    'Integrated urban-rural development', 'Nature and cultural heritage conservation',
    'Smart cities and regional/urban innovation and competitiveness']);

  // SDGs with numbers and titles
  const sdgs = await page.locator('ul.sdgs li').allInnerTexts();
  assert.equal(sdgs.length, 3);
  assert.match(sdgs[0], /3\s+Good health and well-being/);
  assert.match(sdgs[1], /7\s+Affordable and clean energy/);
  assert.match(sdgs[2], /11\s+Sustainable cities and communities/);

  // the history as a dated timeline, oldest first
  const times = page.locator('ol.timeline time');
  assert.ok(await times.count() >= 5);
  assert.equal(await times.first().innerText(), 'July 2018');
  assert.equal(await times.first().getAttribute('datetime'), '2018-07');
  assert.match(await page.locator('ol.timeline').innerText(), /Zhengzhou/);

  // at a glance: kind, programme, status, period, number of cities
  const glance = await page.locator('.glance').innerText();
  for (const bit of [/pairing/i, /International Urban Cooperation – Asia/, /active/i, /July 2018/, /2 cities/])
    assert.match(glance, bit);

  assert.deepEqual(page.problems, []);
  await page.closeAll();
});

test('member cards stack on a phone', async () => {
  const page = await openPage(chrome.browser, { viewport: PHONE });
  await visit(page, '/cooperations/nice-haikou');
  const cards = page.locator('.city-card');
  const [a, b] = [await cards.nth(0).boundingBox(), await cards.nth(1).boundingBox()];
  assert.ok(b.y >= a.y + a.height - 1, 'second card below the first');
  assert.ok(Math.abs(a.x - b.x) < 1, 'cards aligned');
  await page.closeAll();
});

test('a cluster page lists all four cities', async () => {
  const page = await openPage(chrome.browser);
  await visit(page, '/cooperations/haikou-eu-cluster');
  assert.deepEqual(await page.locator('.city-card h3').allInnerTexts(),
    ['Haikou', "Métropole Nice Côte d'Azur", 'Granada', 'Rome']);
  assert.match(await page.locator('.glance').innerText(), /4 cities/);
  await page.closeAll();
});

test('from a cooperation to Haikou: its Chinese name and its cooperations', async () => {
  const page = await openPage(chrome.browser);
  await visit(page, '/cooperations/nice-haikou');
  await Promise.all([page.waitForURL('**/cities/haikou'),
    page.locator('.city-card').getByRole('link', { name: 'Haikou' }).click()]);
  assert.equal(await page.locator('h1').innerText(), 'Haikou');
  const zh = page.locator('[lang="zh"]', { hasText: '海口' });
  assert.equal(await zh.count(), 1);
  assert.match(await page.locator('dl.facts').innerText(), new RegExp(`2${NNBSP}270${NNBSP}000`));
  assert.match(await page.locator('dl.facts').innerText(), /Hainan/);

  const coops = page.locator('section[aria-labelledby="coops"] .card h3 a');
  assert.deepEqual((await coops.allInnerTexts()).sort(),
    ['Haikou – Nice, Granada, Rome', 'Nice – Haikou', 'Nice – Haikou, Kunming, Zhengzhou']);

  // topic tags on the city page lead to the filtered directory
  const tag = page.locator('main ul.tags a').first();
  const topic = await tag.innerText();
  await Promise.all([page.waitForURL(/\?topic=/), tag.click()]);
  assert.equal(new URL(page.url()).searchParams.get('topic'), topic);
  assert.ok((await page.locator('table.directory tbody tr').count()) >= 1);
  assert.deepEqual(page.problems, []);
  await page.closeAll();
});

test('a city without cooperations says so', async () => {
  const page = await openPage(chrome.browser);
  const res = await visit(page, '/cities/tianjin');
  assert.equal(res.status(), 200);
  assert.match(await page.locator('section[aria-labelledby="coops"]').innerText(), /no cooperation/i);
  await page.closeAll();
});

test('/cities links each city to its page', async () => {
  const page = await openPage(chrome.browser);
  await visit(page, '/cities');
  await Promise.all([page.waitForURL('**/cities/granada'), page.getByRole('link', { name: 'Granada' }).click()]);
  assert.equal(await page.locator('h1').innerText(), 'Granada');
  assert.equal(await page.locator('[lang="zh"]', { hasText: '格拉纳达' }).count(), 1);
  await page.closeAll();
});

for (const path of ['/cities/atlantis', '/cooperations/atlantis-utopia', '/no/such/page']) {
  test(`${path} is a 404 page with a way home`, async () => {
    const page = await openPage(chrome.browser);
    const res = await visit(page, path);
    assert.equal(res.status(), 404);
    assert.match(res.headers()['content-type'], /^text\/html/);
    assert.equal(await page.locator('h1').count(), 1);
    assert.match(await page.locator('h1').innerText(), /not found/i);
    const home = page.locator('main a[href="/"]');
    assert.ok(await home.count() >= 1, 'a link to the directory');
    await Promise.all([page.waitForURL(BASE + '/'), home.first().click()]);
    assert.equal((await page.locator('table.directory tbody tr').count()), 3);
    await page.closeAll();
  });
}
