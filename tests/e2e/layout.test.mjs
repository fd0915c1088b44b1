// layout.test.mjs: pages fit a phone (no horizontal scrolling), the directory table and
// a plan's revisions turn into readable cards there, and screenshots of every page at desktop and phone size are
// saved to tests/e2e/screenshots/ for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, openPage, visit, screenshot, horizontalOverflow, DESKTOP, PHONE } from './helpers.mjs';

const SHOTS = {
  directory: '/',
  'directory-filtered': '/?topic=Health%20and%20well-being',
  'directory-empty': '/?kind=pairing&country=ES',
  cities: '/cities',
  'city-haikou': '/cities/haikou',
  'city-nice': '/cities/nice',
  'city-tianjin': '/cities/tianjin',
  'cooperation-nice-haikou': '/cooperations/nice-haikou',
  'cooperation-haikou-eu-cluster': '/cooperations/haikou-eu-cluster',
  plans: '/plans',
  'plan-nice': '/plans/nice',
  'plan-nice-revisions': '/plans/nice/revisions',
  'plan-nice-revision-1': '/plans/nice/revisions/1',
  'plan-nice-diff': '/plans/nice/diff?from=1&to=2',
  'not-found': '/cities/atlantis',
};
let chrome;

before(async () => { chrome = await startBrowser(); });
after(async () => { await chrome?.close(); });

for (const [name, path] of Object.entries(SHOTS)) {
  test(`${path} fits a 390px phone without horizontal scrolling`, async () => {
    const page = await openPage(chrome.browser, { viewport: PHONE });
    await visit(page, path);
    const o = await horizontalOverflow(page);
    assert.ok(o.scrollWidth <= o.innerWidth, `scrollWidth ${o.scrollWidth} > ${o.innerWidth}: ${o.culprits.join(', ')}`);
    await screenshot(page, `${name}-phone`);
    await page.closeAll();
  });

  test(`${path} at desktop size`, async () => {
    const page = await openPage(chrome.browser, { viewport: DESKTOP });
    await visit(page, path);
    const o = await horizontalOverflow(page);
    assert.ok(o.scrollWidth <= o.innerWidth, `scrollWidth ${o.scrollWidth} > ${o.innerWidth}: ${o.culprits.join(', ')}`);
    await screenshot(page, `${name}-desktop`);
    await page.closeAll();
  });
}

test('on a phone the directory rows become cards that name each field', async () => {
  const page = await openPage(chrome.browser, { viewport: PHONE });
  await visit(page, '/');
  assert.equal(await page.locator('table.directory thead').isVisible(), false, 'column headings hidden');
  const rows = page.locator('table.directory tbody tr');
  assert.equal(await rows.count(), 3);
  const box0 = await rows.nth(0).boundingBox(), box1 = await rows.nth(1).boundingBox();
  assert.ok(box0.width > PHONE.width * 0.8, 'a row takes the width of the screen');
  assert.ok(box1.y >= box0.y + box0.height - 1, 'rows stack');
  // with the headings gone, each cell still says what it is
  const text = await rows.nth(0).innerText();
  for (const label of [/Cities/i, /Topics/i, /Status/i, /Period/i]) assert.match(text, label);
  await page.closeAll();
});

test('on a phone the revisions of a plan become cards that name each field', async () => {
  const page = await openPage(chrome.browser, { viewport: PHONE });
  await visit(page, '/plans/nice/revisions');
  assert.equal(await page.locator('table.revisions thead').isVisible(), false, 'column headings hidden');
  const rows = page.locator('table.revisions tbody tr');
  const box0 = await rows.nth(0).boundingBox(), box1 = await rows.nth(1).boundingBox();
  assert.ok(box0.width > PHONE.width * 0.8 && box0.x + box0.width <= PHONE.width, 'a row takes the width of the screen');
  assert.ok(box1.y >= box0.y + box0.height - 1, 'rows stack');
  const text = await rows.nth(0).innerText();
  for (const label of [/Revision\s+\d+/i, /By\s+\S+/i, /Compare from/i]) assert.match(text, label);
  await page.closeAll();
});

test('on a desktop the directory is a table with its column headings', async () => {
  const page = await openPage(chrome.browser, { viewport: DESKTOP });
  await visit(page, '/');
  assert.equal(await page.locator('table.directory thead').isVisible(), true);
  assert.deepEqual(await page.locator('table.directory thead th').allInnerTexts().then((t) => t.map((s) => s.toLowerCase())),
    ['cooperation', 'cities', 'topics', 'status', 'period']);
  await page.closeAll();
});

test('the breadcrumb has room below the site header', async () => {
  const page = await openPage(chrome.browser, { viewport: DESKTOP });
  await visit(page, '/cooperations/nice-haikou');
  const header = await page.locator('header.site').boundingBox();
  const crumb = await page.locator('.breadcrumb').boundingBox();
  assert.ok(crumb.y - (header.y + header.height) >= 16, `gap ${crumb.y - (header.y + header.height)}px`);
  await page.closeAll();
});

test('long unbroken values wrap instead of widening the page on a phone', async () => {
  const long = 'AVeryLongUnbrokenSearchTermWithoutAnySpacesThatCouldPushThePageSideways';
  for (const path of [`/?q=${long}`, `/cities?q=${long}`, `/cities/${long.toLowerCase()}`]) {
    const page = await openPage(chrome.browser, { viewport: { width: 320, height: 640 } });
    await visit(page, path);
    const o = await horizontalOverflow(page);
    assert.ok(o.scrollWidth <= o.innerWidth, `${path}: scrollWidth ${o.scrollWidth} > ${o.innerWidth}: ${o.culprits.join(', ')}`);
    await page.closeAll();
  }
});
