// The live page in a real browser: headless Debian chromium driven by playwright-core.
// Usage: node live-page.mjs <siloA> <siloB> <pidOfSiloA> <topic>
// Opens /live on silo A with silo B as its peer, publishes over HTTP and waits until the page shows the event; then
// SIGKILLs silo A, publishes through B and waits until the page, reconnected through its fallback list, shows the
// events published meanwhile. Exits 0 when all is shown, 1 otherwise (printing why).
import { check } from './headless.mjs';

const [siloA, siloB, pidA, topic] = process.argv.slice(2);
const timeout = 60_000;
const publish = async (silo, text) => {
  const response = await fetch(`${silo}/topics/${encodeURIComponent(topic)}/events`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ data: { text } }) });
  if (!response.ok) throw new Error(`publish ${text} through ${silo}: ${response.status}`);
  return (await response.json()).id;
};

await check(async browser => {
  const page = await browser.newPage();
  page.on('console', m => console.log(`page: ${m.text()}`));
  await page.goto(`${siloA}/live?topic=${encodeURIComponent(topic)}&peers=${encodeURIComponent(siloB)}`);
  await page.waitForSelector('#status.live', { timeout });
  const first = await publish(siloA, 'before the kill');
  await page.waitForSelector(`li[data-id="${first}"]`, { timeout });
  console.log(`SHOWN ${first} via ${await page.textContent('#silo')}`);

  process.kill(Number(pidA), 'SIGKILL');
  const meanwhile = [];
  for (const text of ['while A is dead 1', 'while A is dead 2']) meanwhile.push(await publishWithRetry(siloB, text));
  for (const id of meanwhile) await page.waitForSelector(`li[data-id="${id}"]`, { timeout });
  const shown = await page.$$eval('#events li', items => items.map(li => li.dataset.id).filter(Boolean));
  console.log(`SHOWN ${meanwhile.join(' ')} via ${await page.textContent('#silo')}; list ${shown.join(' ')}`);
  if (new Set(shown).size !== shown.length) throw new Error('an event is shown twice');
  if (!(await page.textContent('#silo')).startsWith(siloB)) throw new Error('the page did not move to silo B');
});

async function publishWithRetry(silo, text) {
  // The topic's grain may have lived on the killed silo: publishing answers 503 until the cluster notices.
  const deadline = Date.now() + timeout;
  for (;;) {
    try { return await publish(silo, text); } catch (e) { if (Date.now() > deadline) throw e; }
    await new Promise(r => setTimeout(r, 250));
  }
}
