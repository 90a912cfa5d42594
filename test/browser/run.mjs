// ctest's entry to the browser tests (test/CMakeLists.txt, test web_browser):
//   node test/browser/run.mjs [--screenshots DIR]
// Environment: POLSEARCH_BIN_DIR (the build folder with indexer and server),
// POLSEARCH_SOURCE_DIR, POLSEARCH_BROWSER_WORK (database, server log, screenshots).
// Without chromium, node_modules (`make deps` runs `npm ci` here) or the programs the
// tests cannot run: they fail when $CI is set and are skipped otherwise (exit 77).
// --screenshots DIR runs only the screenshot test and writes the pictures to DIR
// (`make screenshots` writes docs/screenshots/).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(process.env.POLSEARCH_SOURCE_DIR || path.join(here, '../..'));
const bin = path.resolve(process.env.POLSEARCH_BIN_DIR || path.join(source, 'build/release'));
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';

function missing() {
  if (!fs.existsSync(chromium)) return `${chromium} not found (make deps installs Debian's chromium)`;
  if (!fs.existsSync(path.join(here, 'node_modules/playwright-core'))) {
    return `${here}/node_modules not found (make deps runs npm ci there)`;
  }
  for (const program of ['indexer', 'server']) {
    if (!fs.existsSync(path.join(bin, program))) return `${path.join(bin, program)} not built`;
  }
  return null;
}

const reason = missing();
if (reason) {
  if (process.env.CI) {
    console.error(`browser tests: CI is set but ${reason}`);
    process.exit(1);
  }
  // The lines tools/list-skipped-tests looks for.
  console.log(`browser tests: Skipped\n${reason}\n[  SKIPPED ] web_browser`);
  process.exit(77);
}

const args = ['--test-reporter=spec', path.join(here, 'search_page.test.mjs')];
const env = { ...process.env, POLSEARCH_SOURCE_DIR: source, POLSEARCH_BIN_DIR: bin };
const at = process.argv.indexOf('--screenshots');
if (at >= 0) {
  env.POLSEARCH_SCREENSHOTS = path.resolve(process.argv[at + 1] || 'docs/screenshots');
  args.unshift('--test-name-pattern=^screenshots');
}
const run = spawnSync(process.execPath, args, { stdio: 'inherit', env });
process.exit(run.status ?? 1);
