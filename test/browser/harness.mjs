// What the browser tests stand on: a database built from samples/statements and the
// fixture statements of test/data/web, the real `server` on an ephemeral 127.0.0.1
// port (stopped by its pid), and Debian's chromium driven by playwright-core (no
// browser is ever downloaded). Every page records its console errors, uncaught
// exceptions, failed requests and dialogs, so a test can say that none happened.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function settings() {
  const source = path.resolve(process.env.POLSEARCH_SOURCE_DIR || new URL('../..', import.meta.url).pathname);
  const bin = path.resolve(process.env.POLSEARCH_BIN_DIR || path.join(source, 'build/release'));
  const work = path.resolve(process.env.POLSEARCH_BROWSER_WORK || path.join(bin, 'browser-test'));
  return { source, bin, work, url: process.env.POLSEARCH_URL || '' };
}

export function buildDatabase({ source, bin, work }) {
  const db = path.join(work, 'db');
  fs.rmSync(db, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const inputs = [path.join(source, 'samples/statements'), path.join(source, 'test/data/web/statements.jsonl')];
  const run = spawnSync(path.join(bin, 'indexer'), ['--db', db, ...inputs], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`indexer failed (${run.status}): ${run.stderr}`);
  return db;
}

// Starts `server --listen 127.0.0.1:0` and reads the port it chose from its first line
// ("server: serving DB on http://127.0.0.1:PORT/").
export function startServer({ source, bin, work }, db) {
  const log = fs.openSync(path.join(work, 'server.log'), 'w');
  const child = spawn(path.join(bin, 'server'), ['--db', db, '--listen', '127.0.0.1:0', '--web', path.join(source, 'web')],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    let started = false;
    const timer = setTimeout(() => fail(new Error(`server did not start in 15 s: ${text}`)), 15000);
    function fail(error) {
      if (started) return;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`server exited with ${code}: ${text}`)));
    child.stderr.on('data', (chunk) => {
      fs.writeSync(log, chunk);
      if (started) return;
      text += chunk;
      const found = text.match(/on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (found) {
        started = true;
        clearTimeout(timer);
        resolve({ url: found[1], pid: child.pid, child });
      }
    });
  });
}

export async function stopServer(server) {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.on('exit', resolve));
  process.kill(server.pid, 'SIGTERM');
  // The server finishes its requests in flight and stops within a few seconds; past 15 s
  // it is killed.
  const timer = setTimeout(() => {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // It has just exited.
    }
  }, 15000);
  await exited;
  clearTimeout(timer);
}

export function launchBrowser() {
  // playwright-core gives each launch a fresh, temporary --user-data-dir and removes it.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30000 });
}

// A new page (its own history) in a context of the given viewport that records
// everything that would show a broken or unsafe page. Pages share their context,
// which is much faster to open than a context each; the page keeps no state of its
// own apart from the URL.
export async function openPage(context) {
  const page = await context.newPage();
  // Generous: the suite shares two cores with the other tests (and runs under ASan).
  page.setDefaultTimeout(20000);
  const problems = { errors: [], dialogs: [], apiErrors: [] };
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    // Chromium logs every answer of status 400 and above as "Failed to load resource",
    // also those of the API's documented errors (a bad query, an unknown statement),
    // which the page shows in its own words; they are kept apart for the tests of
    // those pages to check.
    const source = message.location().url || '';
    if (/^Failed to load resource: the server responded with a status of 4\d\d /.test(message.text()) &&
        new URL(source, 'http://x/').pathname.startsWith('/api/v1/')) {
      problems.apiErrors.push(`${message.text()} (${new URL(source).pathname})`);
    } else {
      problems.errors.push(`console ${message.type()}: ${message.text()} (${source})`);
    }
  });
  page.on('pageerror', (error) => problems.errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A request the browser itself gave up because the page moved on (the icon of a page
    // left at once) is not the page's fault.
    const reason = request.failure()?.errorText || '';
    if (reason !== 'net::ERR_ABORTED') problems.errors.push(`request failed: ${request.url()} ${reason}`);
  });
  page.on('dialog', (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  return { page, problems };
}

// Runs an action that makes the page draw again, and waits until that drawing is done
// (main.js counts finished drawings in body[data-ready]).
export async function redrawn(page, action) {
  const before = Number(await page.evaluate(() => document.body.dataset.ready || 0));
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.ready || 0) > n, before);
}

export async function loaded(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => Boolean(document.body.dataset.ready));
}
