// helpers.mjs: what the browser tests share: the server's address, one Chromium per test
// file, pages that record console errors, CSP violations and failed requests, and small
// in-page probes (headings, landmarks, labels, contrast, horizontal overflow).
//
// run.sh starts the server and exports C2C_URL; the tests never start one themselves.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE = (process.env.C2C_URL || '').replace(/\/$/, '');
if (!BASE)
  throw new Error('C2C_URL is not set: run the browser tests through tests/e2e/run.sh');

export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/* One browser. A plain launch gives Chromium a fresh temporary profile that Playwright
 * removes on close, so no state survives between runs. */
export async function startBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ARGS,
  });
  return { browser, close: () => browser.close() };
}

/* A fresh page. page.problems collects console errors, uncaught exceptions,
 * Content-Security-Policy violations and failed subresource requests, so a test can assert
 * that a page loaded cleanly. Pages with the same options share a browser context (the
 * public pages keep no state: no cookies, no storage), which saves a second per test on a
 * slow machine; page.closeAll() closes the page. */
const contexts = new WeakMap();
export async function openPage(browser, { viewport = DESKTOP, javaScriptEnabled = true } = {}) {
  if (!contexts.has(browser)) contexts.set(browser, new Map());
  const key = `${viewport.width}x${viewport.height}/${javaScriptEnabled}`;
  let context = contexts.get(browser).get(key);
  if (!context) {
    context = await browser.newContext({ viewport, javaScriptEnabled, locale: 'en-GB' });
    contexts.get(browser).set(key, context);
  }
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning')
      page.problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => page.problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && res.request().resourceType() !== 'document')
      page.problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  // CSP violations are reported as console errors too; the event catches them even when
  // the console message is worded differently. Init scripts are not subject to the page CSP.
  if (javaScriptEnabled) {
    await page.exposeFunction('__c2cViolation', (text) => page.problems.push(`CSP violation: ${text}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__c2cViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
    });
  }
  page.closeAll = () => page.close();
  return page;
}

/* Loads path and returns the main response. */
export async function visit(page, path) {
  return page.goto(BASE + path, { waitUntil: 'load' });
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/* Rows of the directory table, as the text of their first cell. */
export async function directoryRows(page) {
  return page.locator('table.directory tbody tr th[scope="row"] a').allTextContents();
}

/* Every form control (input, select, textarea; not hidden inputs or buttons) without an
 * accessible label: a <label for>, a wrapping <label>, aria-label or aria-labelledby. */
export async function unlabelledControls(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button')
        continue;
      const labelled = (el.labels && [...el.labels].some((l) => l.textContent.trim())) ||
        (el.getAttribute('aria-label') || '').trim() ||
        (el.getAttribute('aria-labelledby') || '').split(/\s+/).some((id) => id && document.getElementById(id));
      if (!labelled)
        out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
}

/* The structure every page must have. */
export async function pageStructure(page) {
  return page.evaluate(() => ({
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    h1: document.querySelectorAll('h1').length,
    header: document.querySelectorAll('body > header, header.site').length,
    nav: document.querySelectorAll('nav').length,
    main: document.querySelectorAll('main').length,
    footer: document.querySelectorAll('body > footer, footer.site').length,
    ids: (() => {
      const seen = new Set(), dup = [];
      for (const el of document.querySelectorAll('[id]')) {
        if (seen.has(el.id)) dup.push(el.id);
        seen.add(el.id);
      }
      return dup;
    })(),
    inlineStyles: document.querySelectorAll('[style]').length,
    scripts: document.querySelectorAll('script').length,
  }));
}

export async function horizontalOverflow(page) {
  return page.evaluate(() => ({
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    // the widest elements past the right edge, to make a failure easy to fix
    culprits: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
  }));
}

/* WCAG 2 contrast of the text of every element matching each selector against its
 * effective background (ancestors' backgrounds composited, opacity applied). Returns the
 * failures below `min`, and how many elements were measured per selector. */
export async function contrastReport(page, selectors, min = 4.5) {
  return page.evaluate(({ selectors, min }) => {
    const parse = (s) => {
      const m = s.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const over = (top, bottom) => ({
      r: top.r * top.a + bottom.r * (1 - top.a),
      g: top.g * top.a + bottom.g * (1 - top.a),
      b: top.b * top.a + bottom.b * (1 - top.a),
      a: 1,
    });
    const background = (el) => {
      const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0) {
          layers.push(c);
          if (c.a >= 1) break;
        }
      }
      let bg = { r: 255, g: 255, b: 255, a: 1 };
      for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
      return bg;
    };
    const opacity = (el) => {
      let o = 1;
      for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
      return o;
    };
    const lum = ({ r, g, b }) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a, b) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const failures = [], counts = {};
    for (const sel of selectors) {
      counts[sel] = 0;
      for (const el of document.querySelectorAll(sel)) {
        const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        const box = el.getBoundingClientRect();
        if (!hasText || box.width === 0 || box.height === 0) continue;
        const bg = background(el);
        const fg = parse(getComputedStyle(el).color);
        const text = over({ ...fg, a: fg.a * opacity(el) }, bg);
        const r = ratio(text, bg);
        counts[sel]++;
        if (r < min)
          failures.push(`${sel} "${el.textContent.trim().slice(0, 30)}": ${r.toFixed(2)}:1 ` +
            `(${getComputedStyle(el).color} on rgb(${bg.r | 0}, ${bg.g | 0}, ${bg.b | 0}))`);
      }
    }
    return { failures, counts };
  }, { selectors, min });
}
