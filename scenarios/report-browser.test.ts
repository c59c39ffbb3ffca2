import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { kvRunConfig } from '../sim/fuzz/config.js';
import { parseRepro } from '../sim/fuzz/repro.js';
import { runTraced } from '../sim/fuzz/report.js';
import { runKv } from '../sim/run/kv-run.js';
import { renderTimeline } from '../sim/report/timeline.js';
import { TimelineFold } from '../sim/report/timeline-data.js';

/** Debian's chromium (installed by .ci/run when missing); RAFTSIM_CHROMIUM overrides. */
const CHROMIUM = process.env['RAFTSIM_CHROMIUM'] ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A picture of the timeline as the report draws it today, taken by every run of this test into
 * the git-ignored reports folder (a test leaves tracked files alone); copying it over
 * docs/images/timeline.png refreshes the README's. Tests run from dist/scenarios/, two folders
 * below the root.
 */
const SCREENSHOT = fileURLToPath(new URL('../../reports/timeline.png', import.meta.url));

/**
 * A recorded failure of the Figure 8 mutant (or another), replayed to a fresh report; with
 * `blackBox`, with the monitors and the service's answer checks off, so that the history's own
 * checks (DUR's replay, LIN) judge it.
 */
function reportFile(
  mutant = 'Z10',
  blackBox = false,
): { file: string; servers: number; operations: number } {
  const path = fileURLToPath(
    new URL(`../../scenarios/mutants/${mutant}.repro.json`, import.meta.url),
  );
  const repro = parseRepro(readFileSync(path, 'utf8'));
  const timeline = new TimelineFold(repro.config.servers);
  const result = blackBox
    ? runKv({
        ...kvRunConfig(repro.seed, repro.config),
        monitors: false,
        onTrace: (record) => timeline.add(record),
      })
    : runTraced(repro, { timeline });
  const html = renderTimeline(repro, result, timeline);
  const out = join(mkdtempSync(join(tmpdir(), 'raftsim-report-')), 'timeline.html');
  writeFileSync(out, html);
  return { file: out, servers: repro.config.servers, operations: result.history.length };
}

describe('the HTML report in a real browser', function () {
  this.timeout(60_000);
  let browser: Browser;

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (.ci/run does)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });

  after(async () => {
    await browser?.close();
  });

  it('loads without console errors and shows lanes, operations and the violation', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const { file, servers, operations } = reportFile();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#violation');
    expect(errors).to.deep.equal([]);
    expect(await page.locator('.server-lane').count()).to.equal(servers);
    expect(await page.locator('.clerk-lane').count()).to.be.greaterThan(0);
    // the whole run is in view at first: one bar per client operation
    expect(operations).to.be.greaterThan(0);
    expect(await page.locator('rect.op').count()).to.equal(operations);
    expect(await page.locator('rect.role-leader').count()).to.be.greaterThan(0);
    expect(await page.locator('#violation text').textContent()).to.match(/at event #\d+/);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.locator('body').screenshot({ path: SCREENSHOT }); // the whole run, as it opens
    expect(statSync(SCREENSHOT).size).to.be.greaterThan(10_000);
    // zooming in on the violation draws the messages around it
    await page.click('#to-violation');
    expect(await page.locator('line.msg').count()).to.be.greaterThan(0);
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it('a linearizability failure: one click shows the stuck operation, in the chart and the table', async function () {
    this.timeout(240_000); // the replay comes first, on a loaded machine too
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Z20's reads served without the log: its first answer fails DUR; without the answer checks,
    // a stale read fails LIN at the end of the run.
    const { file } = reportFile('Z20', true);
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#violation');
    const data = JSON.parse((await page.locator('#data').textContent()) ?? '{}') as {
      ops: { call: number; ret: number | null }[];
      linearization: { stuckOp: number | null } | null;
    };
    const index = data.linearization?.stuckOp ?? null;
    const stuck = { op: index === null ? null : data.ops[index] };
    expect(stuck.op, 'the report names a stuck operation').to.not.equal(null);
    // The table opens at the stuck row: a window around it, the rest folded.
    expect(await page.locator('#stuck-row').count()).to.equal(1);
    expect(await page.locator('#linearization tr:not(.folded)').count()).to.be.at.most(26);
    await page.click('#to-violation');
    expect(await page.locator('#stuck-row').isVisible()).to.equal(true);
    const box = await page.locator('#stuck-row').boundingBox();
    const height = page.viewportSize()?.height ?? 0;
    const inViewport = box !== null && box.y >= 0 && box.y + box.height <= height;
    expect(inViewport, 'the stuck row is scrolled into view').to.equal(true);
    const from = Number(await page.locator('#timeline').getAttribute('data-from'));
    const to = Number(await page.locator('#timeline').getAttribute('data-to'));
    const op = stuck.op as { call: number; ret: number | null };
    expect(from).to.be.at.most(op.call);
    expect(to).to.be.at.least(op.ret ?? op.call);
    expect(await page.locator('rect.op-stuck').count()).to.equal(1);
    // Fault labels never overlap one another.
    await page.click('#fit');
    const boxes = JSON.parse(
      await page.evaluate<string>(
        "JSON.stringify([...document.querySelectorAll('.band-label')].map((e) => { const b = e.getBoundingClientRect(); return { left: b.left, right: b.right }; }))",
      ),
    ) as { left: number; right: number }[];
    for (let i = 1; i < boxes.length; i++)
      expect((boxes[i] as { left: number }).left).to.be.at.least(
        (boxes[i - 1] as { right: number }).right,
      );
    expect(errors).to.deep.equal([]);
    await page.close();
  });
});
