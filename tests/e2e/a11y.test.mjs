// a11y.test.mjs: what every page must have: lang, a title, one h1, landmarks, labelled
// form controls, a working skip link, visible focus, enough contrast, and no console
// errors or Content-Security-Policy violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, openPage, visit, pageStructure, unlabelledControls, contrastReport } from './helpers.mjs';

const PAGES = [
  '/', '/?topic=Tourism&kind=cluster', '/?kind=pairing&country=ES', '/cities', '/cities?country=CN',
  '/cities/haikou', '/cities/nice', '/cities/tianjin',
  '/cooperations/nice-haikou', '/cooperations/haikou-eu-cluster', '/cooperations/nice-china-cluster',
  '/programmes', '/programmes/iuc-asia', '/login',
];
let chrome;

before(async () => { chrome = await startBrowser(); });
after(async () => { await chrome?.close(); });

for (const path of [...PAGES, '/cities/atlantis']) {
  test(`${path}: lang, title, one h1, landmarks, labels, no inline style or script`, async () => {
    const page = await openPage(chrome.browser);
    await visit(page, path);
    const s = await pageStructure(page);
    assert.equal(s.lang, 'en');
    assert.ok(s.title.trim().length > 0, 'a title');
    assert.match(s.title, /c2c$/);
    assert.equal(s.h1, 1, 'exactly one h1');
    assert.equal(s.header, 1, 'a site header');
    assert.ok(s.nav >= 1, 'a nav');
    assert.equal(s.main, 1, 'one main');
    assert.equal(s.footer, 1, 'a site footer');
    assert.deepEqual(s.ids, [], 'ids are unique');
    assert.equal(s.inlineStyles, 0);
    assert.equal(s.scripts, 0);
    assert.deepEqual(await unlabelledControls(page), []);
    // headings do not skip a level (h1 -> h2 -> h3)
    const levels = await page.locator('main h1, main h2, main h3, main h4').evaluateAll(
      (hs) => hs.map((h) => Number(h.tagName[1])));
    for (let i = 1; i < levels.length; i++)
      assert.ok(levels[i] <= levels[i - 1] + 1, `heading levels ${levels.join(',')}`);
    await page.closeAll();
  });
}

for (const path of PAGES) {
  test(`${path}: no console errors, no CSP violations, no failed requests`, async () => {
    const page = await openPage(chrome.browser);
    const res = await visit(page, path);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-security-policy'] || '', /default-src 'none'/);
    // the stylesheet really applied (a CSP or MIME problem would leave the page unstyled)
    const headerBg = await page.locator('header.site').evaluate((h) => getComputedStyle(h).backgroundColor);
    assert.notEqual(headerBg, 'rgba(0, 0, 0, 0)');
    assert.deepEqual(page.problems, []);
    await page.closeAll();
  });
}

test('Tab from the top reaches the skip link first, and it moves focus to main', async () => {
  for (const path of ['/', '/cooperations/nice-haikou']) {
    const page = await openPage(chrome.browser);
    await visit(page, path);
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => ({
      cls: document.activeElement.className, text: document.activeElement.textContent,
      href: document.activeElement.getAttribute('href'),
      visible: (() => { const r = document.activeElement.getBoundingClientRect(); return r.left >= 0 && r.top >= 0 && r.width > 0; })(),
    }));
    assert.equal(first.cls, 'skip', path);
    assert.equal(first.href, '#main');
    assert.match(first.text, /skip to content/i);
    assert.ok(first.visible, 'the skip link shows when focused');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    // the next Tab lands inside main, past the site navigation
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => !!document.activeElement.closest('main')), 'next focus is in main');
    await page.closeAll();
  }
});

test('focus is visible on links, buttons and form controls', async () => {
  const page = await openPage(chrome.browser);
  await visit(page, '/');
  const outlines = [];
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press('Tab');
    outlines.push(await page.evaluate(() => {
      const el = document.activeElement, cs = getComputedStyle(el);
      return { tag: el.tagName, style: cs.outlineStyle, width: parseFloat(cs.outlineWidth),
        shadow: cs.boxShadow };
    }));
  }
  for (const o of outlines)
    assert.ok((o.style !== 'none' && o.width >= 2) || o.shadow !== 'none', `focus ring on ${JSON.stringify(o)}`);
  await page.closeAll();
});

test('text reaches WCAG AA contrast (4.5:1)', async () => {
  const checks = {
    '/': ['main p', 'main a', 'label', '.lead', '.count', '.kind', '.country', '.status', 'ul.tags a', 'ul.tags .more',
      'thead th', 'header.site a', 'header.site .brand span', 'footer.site p', 'footer.site a', 'button', 'select'],
    '/cooperations/nice-haikou': ['main p', 'main a', '.subtitle', '.glance dt', '.glance dd', '.breadcrumb', '.breadcrumb a',
      '.status', '.sdg', 'ul.sdgs a', 'dl.facts dt', 'dl.facts dd', '.role', 'ol.timeline time', 'ol.timeline p', '.source',
      '.data-link a', 'ul.tags a'],
    '/cooperations/haikou-eu-cluster': ['.status', '.sdg', 'ul.sdgs a'],
    '/cities/haikou': ['main p', 'main a', '.other-names', 'dl.facts dt', '.card .meta', '.status', 'ul.tags a', '.country'],
    '/?kind=pairing&country=ES': ['.empty', '.empty a'],
  };
  const failures = [];
  const measured = {};
  for (const [path, selectors] of Object.entries(checks)) {
    const page = await openPage(chrome.browser);
    await visit(page, path);
    const r = await contrastReport(page, selectors);
    failures.push(...r.failures.map((f) => `${path} ${f}`));
    Object.assign(measured, Object.fromEntries(Object.entries(r.counts).map(([k, v]) => [`${path} ${k}`, v])));
    await page.closeAll();
  }
  assert.deepEqual(failures, []);
  // the probes really measured something: every status colour and SDG badge on these pages
  assert.ok(measured['/ .status'] >= 3 && measured['/cooperations/nice-haikou .sdg'] === 3, JSON.stringify(measured));
});

test('every SDG badge colour reaches 4.5:1 with white text', async () => {
  const page = await openPage(chrome.browser);
  await visit(page, '/cooperations/nice-haikou');
  // render one badge of each goal into the page (CSP does not apply to Playwright's evaluate)
  await page.evaluate(() => {
    const ul = document.querySelector('ul.sdgs');
    for (let n = 1; n <= 17; n++) {
      const li = document.createElement('li');
      li.innerHTML = `<a href="#"><span class="sdg sdg-${n}">${n}</span> probe</a>`;
      ul.append(li);
    }
    for (const s of ['proposed', 'active', 'completed', 'dormant', 'ended']) {
      const span = document.createElement('span');
      span.className = `status status-${s}`;
      span.textContent = s;
      ul.append(span);
    }
  });
  const r = await contrastReport(page, ['.sdg', '.status']);
  assert.deepEqual(r.failures, []);
  assert.ok(r.counts['.sdg'] >= 17 && r.counts['.status'] >= 5);
  await page.closeAll();
});

test('the probes would notice a CSP violation (the harness is not blind)', async () => {
  const page = await openPage(chrome.browser);
  await visit(page, '/');
  await page.evaluate(() => {
    const s = document.createElement('style');
    s.textContent = 'body { color: red; }';
    document.head.append(s);
  });
  await page.waitForTimeout(200);
  assert.ok(page.problems.some((p) => /CSP violation|Content Security Policy/i.test(p)), JSON.stringify(page.problems));
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).color), 'rgb(255, 0, 0)');
  await page.closeAll();
});
