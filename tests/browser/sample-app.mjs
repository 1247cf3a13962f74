// The sample web app (samples/OrleansRedis.WebApp) in a real browser: headless Debian chromium driven by playwright-core.
// Usage: node sample-app.mjs <instanceA> <instanceB> <user>
// Two browser contexts (two browsers of one user) log in, A on instance A and B on instance B. A loads the
// rate-limited page until the middleware answers 429 with Retry-After, then clicks "Sign out everywhere"; B's next page
// load must be the login page. Exits 0 when all of that is seen, 1 otherwise (printing why).
import { check } from './headless.mjs';

const [instanceA, instanceB, user] = process.argv.slice(2);
const timeout = 20_000;
const limit = 5;

await check(async browser => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  a.setDefaultTimeout(timeout);
  b.setDefaultTimeout(timeout);
  for (const [page, instance] of [[a, instanceA], [b, instanceB]]) {
    await logIn(page, instance);
    console.log(`LOGGED IN as ${await page.textContent('#user')} on ${await page.textContent('#instance')}`);
  }

  // The limit is 5 per window per user across the cluster (the test sets a 1-minute window): the 6th load is refused.
  let refused = null;
  const remaining = [];
  for (let i = 0; i < 4 * limit && refused === null; i++) {
    const response = await a.goto(`${instanceA}/quota`);
    if (response.status() === 429) refused = response;
    else if (response.status() === 200) remaining.push(await a.textContent('#remaining'));
    else throw new Error(`/quota answered ${response.status()}`);
  }
  if (refused === null) throw new Error(`no 429 after ${4 * limit} loads (remaining ${remaining.join(' ')})`);
  const retryAfter = Number(refused.headers()['retry-after']);
  if (!(retryAfter >= 1 && retryAfter <= 60)) throw new Error(`Retry-After is '${refused.headers()['retry-after']}', not 1-60 s`);
  if (remaining.length !== limit) throw new Error(`refused after ${remaining.length} loads, not after the limit of ${limit}`);
  console.log(`LIMITED after ${remaining.length} loads (remaining ${remaining.join(' ')}), Retry-After ${retryAfter}`);

  // B is signed in before the button is pressed...
  await b.goto(`${instanceB}/`);
  if (!(await b.isVisible('#user'))) throw new Error('B is not signed in before "Sign out everywhere"');
  await a.goto(`${instanceA}/`);
  await Promise.all([a.waitForURL(/\/login/), a.click('#signout-everywhere button')]);
  console.log(`SIGNED OUT EVERYWHERE: ${await a.textContent('#signed-out')}`);

  // ...and its next page load, on the other instance, is the login page.
  const response = await b.goto(`${instanceB}/`);
  if (!new URL(b.url()).pathname.startsWith('/login') || !(await b.isVisible('#login'))) {
    throw new Error(`B's next load shows ${b.url()} (status ${response.status()}), not the login page`);
  }
  console.log(`B SIGNED OUT: ${b.url()}`);
});

async function logIn(page, instance) {
  await page.goto(`${instance}/login`);
  await page.fill('#login input[name=name]', user);
  await Promise.all([page.waitForURL(`${instance}/`), page.click('#login button')]);
}
