// plans.test.mjs: an Urban Cooperation Action Plan (U-CAP) in Chromium, as the admin sees
// and edits it: the summary of Nice's plan (the header table of the city and its
// counterparts, the SDGs with their titles, the SVG timeline) loads without console errors
// or CSP violations and fits a phone; a section is edited from its Edit link (one word
// changed), saved, and the new word is on the plan; the list of revisions compares the
// last two, and the diff marks the new word in <ins> and the old one in <del>.
// The diff page shows words, not Markdown, in boxes that keep the indentation of nested
// points; the timeline stays readable on a phone, every mark labelled; the list of plans
// names its cities; an earlier revision offers editors to restore it (last: it adds a
// revision).
// Screenshots: tests/e2e/screenshots/plan-nice-{desktop,phone}.png, plan-diff-desktop.png,
// plan-diff-1-2-{desktop,phone}.png, plans-list-desktop.png, plan-revision-1-admin.png.
// No other browser test changes the plans (layout.test.mjs reads some of their pages).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, openPage, visit, screenshot, horizontalOverflow, BASE, DESKTOP, PHONE } from './helpers.mjs';

const PASSWORD = process.env.C2C_ADMIN_PASSWORD;
const NO_PASSWORD = !PASSWORD && 'run.sh exported no C2C_ADMIN_PASSWORD';
let chrome;

before(async () => { chrome = await startBrowser(); });
after(async () => { await chrome?.close(); });

/* A page of its own context (the session stays in it), recording problems as
 * helpers.openPage does, signed in as admin. */
async function adminPage(viewport) {
  const page = await openPage(chrome.browser, viewport ? { viewport } : {});
  await visit(page, '/login?next=%2Fplans%2Fnice');
  await page.getByLabel('Login name').fill('admin');
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL(BASE + '/plans/nice'), page.getByRole('button', { name: 'Sign in' }).click()]);
  return page;
}

async function signOut(page) {
  await Promise.all([page.waitForURL(BASE + '/'), page.getByRole('button', { name: 'Sign out' }).click()]);
}

test('the summary of Nice\'s plan: header table, SDGs, SVG timeline, no console errors or CSP violations',
  async () => {
    const page = await openPage(chrome.browser);
    const response = await visit(page, '/plans/nice');
    assert.equal(response.status(), 200);
    const csp = response.headers()['content-security-policy'] || '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(await page.locator('h1').innerText(), /Nice/);

    // the header table: the city and its counterparts, a row per fact
    const header = page.locator('table.ucap-header');
    assert.ok(await header.isVisible(), 'the header table is shown');
    const columns = await header.locator('thead th[scope="col"]').allInnerTexts();
    assert.deepEqual(columns.slice(1), ['City', 'Counterparts']);
    const facts = await header.locator('tbody th[scope="row"]').allInnerTexts();
    for (const row of ['City', 'Country', 'Population'])
      assert.ok(facts.includes(row), `a row ${row} in ${facts.join(', ')}`);
    const country = header.locator('tbody tr', { has: page.locator('th', { hasText: /^Country$/ }) });
    assert.deepEqual(await country.locator('td').allInnerTexts(), ['France', 'China']);

    // SDGs with their numbers and titles, as the API has them
    const plan = await (await page.request.get(BASE + '/api/v1/plans/nice')).json();
    const sdgs = await page.locator('#goals ul.sdgs li').allInnerTexts();
    assert.equal(sdgs.length, plan.content.sdgs.length);
    for (const [i, n] of plan.content.sdgs.entries())
      assert.match(sdgs[i], new RegExp(`^\\s*${n}\\s+\\S`), `SDG ${n} with its title: ${sdgs[i]}`);
    assert.match(sdgs.join('\n'), /Sustainable cities and communities/);

    // the timeline: a drawing and a list, one entry per activity
    const svg = page.locator('#activities svg.timeline');
    assert.ok(await svg.isVisible(), 'the SVG timeline is drawn');
    const box = await svg.boundingBox();
    assert.ok(box.width > 300 && box.height > 30, `the timeline has a size: ${JSON.stringify(box)}`);
    assert.ok(await svg.getAttribute('role'), 'the drawing has a role');
    assert.equal(await page.locator('#activities ol.ucap-timeline > li').count(), plan.content.activities.length);

    // every section of the plan, in order
    const headings = await page.locator('section.ucap-section h2').allInnerTexts();
    assert.ok(headings.indexOf('Key focus of cooperation themes') > headings.indexOf('Related SDGs and Urban Agenda topics'));
    assert.ok(headings.includes('Activities and key outputs'));
    // links to the other formats
    for (const name of ['PDF', 'Markdown'])
      assert.ok(await page.getByRole('link', { name, exact: true }).isVisible(), `a link to the ${name}`);
    await screenshot(page, 'plan-nice-desktop');
    assert.deepEqual(page.problems, []);
    await page.closeAll();
  });

test('the summary of Nice\'s plan fits a 390px phone', async () => {
  const page = await openPage(chrome.browser, { viewport: PHONE });
  await visit(page, '/plans/nice');
  const o = await horizontalOverflow(page);
  assert.ok(o.scrollWidth <= o.innerWidth, `scrollWidth ${o.scrollWidth} > ${o.innerWidth}: ${o.culprits.join(', ')}`);
  assert.ok(await page.locator('#activities svg.timeline').isVisible(), 'the timeline is shown on a phone too');
  await screenshot(page, 'plan-nice-phone');
  assert.deepEqual(page.problems, []);
  await page.closeAll();
});

/* The labels of the timeline's marks, the number of marks, and the size a label is
 * drawn at on the screen (px). */
async function timelineLabels(page) {
  return page.locator('#activities svg.timeline').evaluate((svg) => {
    const marks = svg.querySelectorAll('.activity').length;
    const labels = [...svg.querySelectorAll('text[text-anchor]')].map((t) => t.textContent);
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return { marks, labels, px: 11 * scale };
  });
}

test('the timeline on a desktop: every mark labelled, dates shared by several counted', async () => {
  const page = await openPage(chrome.browser);
  await visit(page, '/plans/nice');
  const t = await timelineLabels(page);
  assert.equal(t.labels.length, t.marks, `a label per mark: ${t.labels.join(', ')}`);
  assert.ok(t.labels.includes('Jun 2018 (2)'), `the two activities of June 2018 are one mark with a count: ${t.labels}`);
  assert.ok(t.px >= 10, `labels are ${t.px.toFixed(1)}px`);
  await page.closeAll();
});

test('the timeline on a phone keeps its size and scrolls inside its figure, not the page', async () => {
  const page = await openPage(chrome.browser, { viewport: PHONE });
  await visit(page, '/plans/nice');
  const t = await timelineLabels(page);
  assert.ok(t.px >= 10, `labels are ${t.px.toFixed(1)}px on a phone (were about 5px)`);
  assert.equal(t.labels.length, t.marks);
  const figure = page.locator('#activities figure.ucap-timeline-chart');
  const scroll = await figure.evaluate((f) => ({ client: f.clientWidth, scroll: f.scrollWidth }));
  assert.ok(scroll.scroll > scroll.client, `the figure scrolls: ${JSON.stringify(scroll)}`);
  assert.equal(await figure.getAttribute('tabindex'), '0', 'the keyboard can scroll it');
  const o = await horizontalOverflow(page);
  assert.ok(o.scrollWidth <= o.innerWidth, `the page does not: scrollWidth ${o.scrollWidth}`);
  await page.closeAll();
});

test('the diff page shows the words, not their Markdown, and keeps nested points indented', async () => {
  for (const viewport of [DESKTOP, PHONE]) {
    const page = await openPage(chrome.browser, { viewport });
    await visit(page, '/plans/nice/diff?from=1&to=2');
    const boxes = page.locator('section.diff-section .diff');
    assert.equal(await boxes.count(), await page.locator('section.diff-section').count(), 'each section in a box');
    assert.equal(await boxes.first().evaluate((d) => getComputedStyle(d).whiteSpace), 'pre-wrap');
    const text = (await boxes.allInnerTexts()).join('\n');
    assert.doesNotMatch(text, /\*|\\/, 'no emphasis markers or backslash escapes shown');
    assert.match(text, /the triple helix/);
    const activities = page.locator('section.diff-section', { has: page.locator('h2', { hasText: 'Activities' }) });
    assert.match(await activities.locator('.diff').innerText(), /\n {2}- Preparing the July mission/, 'a point stays indented');
    assert.ok(await page.locator('.diff ins').count() > 0 && await page.locator('.diff del').count() > 0);
    const o = await horizontalOverflow(page);
    assert.ok(o.scrollWidth <= o.innerWidth, `scrollWidth ${o.scrollWidth} > ${o.innerWidth}: ${o.culprits.join(', ')}`);
    await screenshot(page, `plan-diff-1-2-${viewport === PHONE ? 'phone' : 'desktop'}`);
    assert.deepEqual(page.problems, []);
    await page.closeAll();
  }
});

test('the list of plans names the cities, and each card starts with its title', async () => {
  const page = await openPage(chrome.browser);
  await visit(page, '/plans');
  const card = page.locator('li.card', { has: page.locator('h2 a[href="/plans/nice"]') });
  const text = await card.innerText();
  assert.match(text, /City: Métropole Nice Côte d'Azur/);
  assert.match(text, /Counterparts: Haikou, Kunming, Zhengzhou/);
  assert.doesNotMatch(text, /\b(nice|haikou|kunming)\b/, 'no slugs');
  assert.equal(await card.getByRole('link', { name: 'Haikou', exact: true }).getAttribute('href'), '/cities/haikou');
  const box = await card.boundingBox(), title = await card.locator('h2').boundingBox();
  assert.ok(title.y - box.y <= 24, `the title starts ${title.y - box.y}px below the card's top`);
  await screenshot(page, 'plans-list-desktop');
  await page.closeAll();
});

/* Edits the section titled `title` from its Edit link on /plans/nice: one word of its
 * text replaced by `word`; then compares the last two revisions. */
async function editAndCompare(title, key, word, shot) {
  const page = await adminPage();
  const [form] = await Promise.all([page.waitForResponse(BASE + `/plans/nice/edit/${key}`),
    page.getByRole('link', { name: `Edit ${title}` }).click()]);
  assert.equal(form.status(), 200, `the Edit link of "${title}" opens its form`);
  await page.waitForLoadState('load');
  const area = page.getByLabel(title, { exact: true });
  const before = await area.inputValue();
  const old = before.match(/\b[a-z]{7,}\b/)?.[0];
  assert.ok(old, `a word to change in: ${before}`);
  assert.ok(!before.includes(word), `the text does not hold "${word}" yet`);
  await area.fill(before.replace(old, word));
  await page.getByLabel(/What changed/).fill(`${old} becomes ${word}`);
  await Promise.all([page.waitForURL(BASE + `/plans/nice#${key}`),
    page.getByRole('button', { name: 'Save as a new revision' }).click()]);
  const section = page.locator(`section#${key}`);
  assert.match(await section.innerText(), new RegExp(`\\b${word}\\b`));

  // the list of revisions: the newest first, with its message; compare the last two
  await Promise.all([page.waitForURL(BASE + '/plans/nice/revisions'),
    page.getByRole('link', { name: /All revisions/ }).click()]);
  const newest = page.locator('table.revisions tbody tr').first();
  assert.match(await newest.innerText(), new RegExp(`${old} becomes ${word}`));
  assert.match(await newest.innerText(), /admin/);
  const n = Number(await newest.locator('th[scope="row"] a').innerText());
  assert.ok(await page.getByRole('radio', { name: `Compare from revision ${n - 1}` }).isChecked());
  assert.ok(await page.getByRole('radio', { name: `Compare to revision ${n}` }).isChecked());
  await Promise.all([page.waitForURL(/\/plans\/nice\/diff\?/),
    page.getByRole('button', { name: 'Compare' }).click()]);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('from'), String(n - 1));
  assert.equal(url.searchParams.get('to'), String(n));
  const changed = page.locator('section.diff-section', { has: page.locator('h2', { hasText: title }) });
  assert.equal(await changed.count(), 1, `the section "${title}" is shown as changed`);
  const ins = await changed.locator('ins').allInnerTexts(), del = await changed.locator('del').allInnerTexts();
  assert.ok(ins.some((t) => t.includes(word)), `<ins> marks ${word}: ${JSON.stringify(ins)}`);
  assert.ok(del.some((t) => t.includes(old)), `<del> marks ${old}: ${JSON.stringify(del)}`);
  assert.ok(!ins.concat(del).some((t) => t.includes('Nice')), 'words both revisions share are not marked');
  assert.equal(await page.locator('section.diff-section').count(), 1, 'no other section changed');
  if (shot)
    await screenshot(page, shot);
  assert.deepEqual(page.problems, []);
  await signOut(page);
  await page.closeAll();
}

// A section whose key is not a slug (key_focus), and a plain one.
test('edit "Key focus of cooperation themes" from its Edit link, save, compare the last two revisions', { skip: NO_PASSWORD },
  () => editAndCompare('Key focus of cooperation themes', 'key_focus', 'marmalade', 'plan-diff-desktop'));

test('edit "Main objectives" from its Edit link, save, compare the last two revisions', { skip: NO_PASSWORD },
  () => editAndCompare('Main objectives', 'objectives', 'marmalade', 'plan-diff-desktop'));

// Last, as it adds a revision: an earlier revision's page offers its restore to an editor
// (with a line saying what it does), and not to a visitor.
test('restore an earlier revision from its own page', { skip: NO_PASSWORD }, async () => {
  const visitor = await openPage(chrome.browser);
  await visit(visitor, '/plans/nice/revisions/1');
  assert.equal(await visitor.getByRole('button', { name: 'Restore this revision' }).count(), 0, 'not for a visitor');
  await visitor.closeAll();

  const page = await adminPage();
  await visit(page, '/plans/nice/revisions/1');
  const button = page.getByRole('button', { name: 'Restore this revision' });
  assert.ok(await button.isVisible(), 'an editor can restore it');
  assert.match(await page.locator('form.restore').innerText(), /as a new revision \d+; nothing is lost/);
  await screenshot(page, 'plan-revision-1-admin');
  await Promise.all([page.waitForURL(BASE + '/plans/nice/revisions'), button.click()]);
  const newest = page.locator('table.revisions tbody tr').first();
  assert.match(await newest.innerText(), /restored revision 1/);
  assert.deepEqual(page.problems, []);
  await signOut(page);
  await page.closeAll();
});
