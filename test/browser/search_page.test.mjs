// The search page (web/) in Debian's chromium against the real server. Each test opens
// its own page and ends by checking that the page logged no error and opened no dialog.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { buildDatabase, launchBrowser, loaded, openPage, redrawn, settings, startServer, stopServer } from './harness.mjs';

const config = settings();
const shared = { browser: null, server: null, base: '', contexts: new Map() };

before(async () => {
  if (config.url) shared.base = config.url;
  else {
    shared.server = await startServer(config, buildDatabase(config));
    shared.base = shared.server.url;
  }
  shared.browser = await launchBrowser();
});

after(async () => {
  if (shared.browser) await shared.browser.close();
  await stopServer(shared.server);
});

async function contextFor(width) {
  if (!shared.contexts.has(width)) {
    shared.contexts.set(width, await shared.browser.newContext({ viewport: { width, height: width > 400 ? 900 : 812 } }));
  }
  return shared.contexts.get(width);
}

async function withPage(options, body) {
  const opened = await openPage(await contextFor(options.width || 1280));
  try {
    await body(opened.page, opened.problems);
    assert.deepEqual(opened.problems.errors, [], 'console errors');
    if (!options.apiErrorsExpected) assert.deepEqual(opened.problems.apiErrors, [], 'API errors');
    assert.deepEqual(opened.problems.dialogs, [], 'dialogs');
  } finally {
    await opened.page.close();
  }
}

const at = (query) => new URL(query, shared.base).href;
const hitTexts = (page) => page.locator('#hits > li.hit .text').allTextContents();
const status = (page) => page.locator('#status').textContent();

test('typing a query shows marked hits', async () => {
  await withPage({}, async (page) => {
    await loaded(page, at('./'));
    await redrawn(page, () => page.locator('#q').fill('backstop'));
    await page.waitForURL(/\?q=backstop$/);
    const marks = await page.locator('#hits mark').allTextContents();
    assert.ok(marks.length >= 2, `marks: ${marks}`);
    for (const mark of marks) assert.equal(mark.toLowerCase(), 'backstop');
    assert.equal(await status(page), '3 passages in 1 statement');
    assert.match(await page.locator('#hits > li.hit .meta').first().textContent(), /Volodymyr Zelenskyy · UKR/);
    // A pause after a space searches the words so far and leaves the space for the next word.
    await redrawn(page, () => page.locator('#q').pressSequentially(' patrols '));
    assert.equal(await page.locator('#q').inputValue(), 'backstop patrols ');
    await page.locator('#q').press('Enter');
    await page.waitForURL(/\?q=backstop\+patrols$/);
  });
});

test('a facet click filters', async () => {
  await withPage({}, async (page) => {
    await loaded(page, at('?q=security'));
    const before = await status(page);
    const deu = page.locator('#facets button[data-facet="country"][data-value="DEU"]');
    await redrawn(page, () => deu.click());
    assert.match(page.url(), /[?&]country=DEU(&|$)/);
    assert.notEqual(await status(page), before);
    const metas = await page.locator('#hits > li.hit .meta').allTextContents();
    assert.ok(metas.length > 0);
    for (const meta of metas) assert.match(meta, / · DEU · /);
    assert.equal(await deu.getAttribute('aria-pressed'), 'true');
    // The same click again removes the filter.
    await redrawn(page, () => deu.click());
    assert.equal(await status(page), before);
  });
});

test('a timeline bar click filters to its year', async () => {
  await withPage({}, async (page) => {
    await loaded(page, at('?q=%22security+guarantees%22'));
    const bar = page.locator('#timeline g.bar[data-year="2014"]');
    assert.equal(await bar.getAttribute('aria-label'), '2014: 1 passage');
    await redrawn(page, () => bar.click());
    assert.match(page.url(), /date_from=2014&date_to=2014/);
    assert.equal(await status(page), '1 passage in 1 statement');
    assert.match(await page.locator('#hits > li.hit .meta').first().textContent(), /2014-09-05/);
    assert.equal(await page.locator('#date-from').inputValue(), '2014');
    // The same bar again removes the year; a country bar filters to its country.
    await redrawn(page, () => page.locator('#timeline g.bar[data-year="2014"]').click());
    assert.equal(await status(page), '6 passages in 6 statements');
    await redrawn(page, () => page.locator('#country-bars button[data-country="DEU"]').click());
    assert.match(page.url(), /country=DEU/);
    assert.equal(await status(page), '2 passages in 2 statements');
  });
});

test('the statement view moves between matches', async () => {
  await withPage({}, async (page) => {
    await loaded(page, at('?q=security'));
    const link = page.locator('#hits > li.hit', { hasText: 'Zelenskyy' }).first().locator('h3 a');
    await redrawn(page, () => link.click());
    assert.match(page.url(), /view=statement&id=seed-zelenskyy-security-guarantees/);
    assert.equal(await page.locator('#statement-title').textContent(),
      'Zelenskyy: In every security guarantee scenario, the top priority is a strong Ukrainian army');
    const total = await page.locator('#statement-passages mark.match').count();
    assert.ok(total >= 3, `matches: ${total}`);
    const info = page.locator('#match-info');
    assert.match(await info.textContent(), new RegExp(`^Match 1 of ${total}$`));
    await page.locator('#next-match').click();
    assert.equal(await info.textContent(), `Match 2 of ${total}`);
    assert.equal(await page.locator('mark.current').count(), 1);
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('current')), true);
    await page.locator('#prev-match').click();
    await page.locator('#prev-match').click();
    assert.equal(await info.textContent(), `Match ${total} of ${total}`);
    await page.keyboard.press('j');
    assert.equal(await info.textContent(), `Match 1 of ${total}`);
    assert.ok(await page.locator('#similar > li.hit').count() > 0, 'similar passages');
  });
});

test('back restores the previous results', async () => {
  await withPage({}, async (page) => {
    await loaded(page, at('?q=backstop'));
    const first = await hitTexts(page);
    await redrawn(page, async () => {
      await page.locator('#q').fill('ceasefire');
      await page.locator('#q').press('Enter');
    });
    assert.match(page.url(), /\?q=ceasefire$/);
    assert.notDeepEqual(await hitTexts(page), first);
    await redrawn(page, () => page.goBack());
    assert.match(page.url(), /\?q=backstop$/);
    assert.equal(await page.locator('#q').inputValue(), 'backstop');
    assert.deepEqual(await hitTexts(page), first);
    await redrawn(page, () => page.goForward());
    assert.equal(await page.locator('#q').inputValue(), 'ceasefire');
  });
});

test('a misspelt query offers a did-you-mean link, and concept expansion shows the wordings', async () => {
  await withPage({}, async (page) => {
    await loaded(page, at('?q=secruity+guarantees'));
    const link = page.locator('#suggestion-link');
    assert.equal(await link.textContent(), 'security guarantees');
    await redrawn(page, () => link.click());
    assert.equal(await page.locator('#q').inputValue(), 'security guarantees');
    await loaded(page, at('?q=secruity'));
    // docs/API.md: the suggestion is "security"; a server that leaves it out gets the
    // general wording.
    assert.match(await page.locator('#suggestion').textContent(),
      /^No matches for “secruity”; showing results for (“security”|a corrected spelling)\.$/);
    await loaded(page, at('?q=ceasefire'));
    assert.equal(await status(page), '3 passages in 3 statements');
    await redrawn(page, () => page.locator('#expand').check());
    assert.match(page.url(), /expand=1/);
    const matched = await page.locator('#hits > li.hit .matched').allTextContents();
    assert.ok(matched.includes('Matched: ceasefire, truce'), matched.join(' | '));
    assert.ok(await page.locator('#hits mark', { hasText: /^truce$/ }).count() > 0);
  });
});

test('the HTML-injection fixture runs nothing and shows the markup as text', async () => {
  await withPage({}, async (page, problems) => {
    await loaded(page, at('?q=sanitizer'));
    const hit = page.locator('#hits > li.hit').first();
    const text = await hit.locator('.text').textContent();
    for (const payload of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
                           '<a href="javascript:alert(1)">click the sanitizer link</a>', 'javascript:alert(document.cookie)']) {
      assert.ok(text.includes(payload), `shown literally: ${payload}`);
    }
    assert.equal(await hit.locator('h3').textContent(), "Injection check <script>alert('title')</script> <b>bold?</b>");
    assert.match(await hit.locator('.meta').textContent(), /^<img src=x onerror=alert\(1\)> · ZZZ · 2020-05-01 · javascript:alert\('source'\)$/);
    await redrawn(page, () => hit.locator('h3 a').click());
    const passages = await page.locator('#statement-passages').textContent();
    assert.ok(passages.includes('<script>alert(1)</script>'));
    assert.match(await page.locator('#statement-meta').textContent(), /<img src=x onerror=alert\(1\)>/);
    // Nothing the statement says became an element, a script or a link.
    const found = await page.evaluate(() => ({
      images: document.querySelectorAll('img').length,
      scripts: [...document.scripts].map((s) => s.getAttribute('src')),
      bold: document.querySelectorAll('main b').length,
      badLinks: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'))
        .filter((href) => !href.startsWith('?') && href !== './' && !href.startsWith('#')),
    }));
    assert.deepEqual(found, { images: 0, scripts: ['js/main.js'], bold: 0, badLinks: [] });
    console.log(`injection fixture shown as text: ${JSON.stringify(text)}`);
    console.log(`injection fixture elements: ${JSON.stringify(found)}; dialogs: ${problems.dialogs.length}; ` +
                `console errors: ${problems.errors.length}`);
  });
});

test('no console errors on any page', async () => {
  await withPage({}, async (page) => {
    const visits = ['./', '?q=security', '?q=security&sort=-date&expand=1', '?q=secruity', '?q=security&offset=10',
      '?q=security&country=DEU&date_from=2020', '?view=statement&id=north-atlantic-treaty-1949-article-5&n=1&q=security'];
    for (const visit of visits) await loaded(page, at(visit));
  });
  // The 375 px pages are checked by the screenshot test.
});

test('a bad query and an unknown statement are explained on the page', async () => {
  await withPage({ apiErrorsExpected: true }, async (page, problems) => {
    await loaded(page, at('?q=%22unbalanced'));
    assert.match(await page.locator('#message').textContent(), /\S/);
    assert.match(await page.locator('#status').textContent(), /^Error: /);
    await loaded(page, at('?view=statement&id=no-such-statement&n=0'));
    assert.match(await page.locator('#status').textContent(), /^Error: .*no-such-statement/);
    // The browser's own line for each documented API error, and nothing else.
    assert.deepEqual(problems.apiErrors.map((line) => line.replace(/ \([^()]*\)$/, '')), [
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
      'Failed to load resource: the server responded with a status of 404 (Not Found)']);
  });
});

test('an accessibility snapshot holds the search landmark and labelled inputs', async () => {
  await withPage({}, async (page) => {
    await loaded(page, at('?q=security'));
    const snapshot = await page.locator('body').ariaSnapshot();
    for (const expected of ['search "Search statements"', 'searchbox "Search statements"', 'combobox "Sort"',
                            'textbox "From"', 'textbox "to"', 'checkbox "Expand concepts"', 'status: 11 passages in 7 statements']) {
      assert.ok(snapshot.includes(expected), `snapshot has ${expected}:\n${snapshot}`);
    }
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, button')]
      .filter((node) => !node.labels?.length && !node.getAttribute('aria-label') && !node.textContent.trim())
      .map((node) => node.outerHTML));
    assert.deepEqual(unlabelled, []);
    // "/" focuses the search box, j and k move between hits; focus is always visible.
    await page.locator('body').press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    assert.equal(await page.evaluate(() => document.activeElement.matches('#hits > li.hit:first-child')), true);
    assert.ok(await focusRingWidth(page) >= 2, 'a focused hit shows a ring');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-button');
    assert.ok(await focusRingWidth(page) >= 2, 'the focused button shows a ring');
    assert.deepEqual(await lowContrastText(page), [], 'text below WCAG AA contrast');
    // Single-key shortcuts can be turned off.
    await page.locator('#shortcuts').uncheck();
    await page.locator('body').press('/');
    assert.notEqual(await page.evaluate(() => document.activeElement.id), 'q');
    await page.locator('#shortcuts').check();
  });
});

function focusRingWidth(page) {
  return page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle === 'none' ? 0 : Number.parseFloat(style.outlineWidth);
  });
}

// Every visible piece of text whose colour against its background is below WCAG AA
// (4.5:1, or 3:1 for large text); disabled controls are exempt.
function lowContrastText(page) {
  return page.evaluate(() => {
    const rgb = (text) => (text.match(/[\d.]+/g) || ['0', '0', '0', '0']).map(Number);
    const channel = (v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
    const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    function background(node) {
      for (let at = node; at && at.nodeType === 1; at = at.parentElement) {
        const colour = rgb(getComputedStyle(at).backgroundColor);
        if (colour.length < 4 || colour[3] > 0) return colour;
      }
      return [255, 255, 255];
    }
    const found = [];
    for (const node of document.querySelectorAll('body *')) {
      const hasText = [...node.childNodes].some((child) => child.nodeType === 3 && child.textContent.trim());
      if (!hasText || !node.checkVisibility() || node.closest(':disabled')) continue;
      const style = getComputedStyle(node);
      const fg = rgb(node instanceof SVGElement ? style.fill : style.color);
      const [light, dark] = [luminance(fg), luminance(background(node))].sort((a, b) => b - a);
      const ratio = (light + 0.05) / (dark + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) found.push(`${node.tagName}.${node.className}: ${ratio.toFixed(2)}`);
    }
    return found;
  });
}

test('the page scripts never turn text into HTML', () => {
  const folder = path.join(config.source, 'web/js');
  for (const name of fs.readdirSync(folder)) {
    const text = fs.readFileSync(path.join(folder, name), 'utf8');
    assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setAttribute\('style'/,
      `${name} must build DOM nodes from text`);
  }
});

test('screenshots at 1280 and 375 px wide', async () => {
  const folder = process.env.POLSEARCH_SCREENSHOTS || path.join(config.work, 'screenshots');
  fs.mkdirSync(folder, { recursive: true });
  for (const width of [1280, 375]) {
    await withPage({ width }, async (page) => {
      await loaded(page, at('?q=%22security+guarantees%22'));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at ${width} px (${overflow} px too wide)`);
      await page.screenshot({ path: path.join(folder, `search-${width}.png`) });
      await redrawn(page, () => page.locator('#hits > li.hit h3 a').first().click());
      await page.screenshot({ path: path.join(folder, `statement-${width}.png`) });
    });
  }
  console.log(`screenshots written to ${folder}`);
});
