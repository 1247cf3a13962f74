// Runs a check in headless Debian chromium (driven by playwright-core; never a browser of Playwright's own) and
// reports the way the tests read it: prints OK and exits 0 when the check returns, FAIL and why (exit 1) when it throws.
import { chromium } from 'playwright-core';

export async function check(body) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    await body(browser);
    console.log('OK');
  } catch (e) {
    console.log(`FAIL ${e.stack || e}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
