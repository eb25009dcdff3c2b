// End-to-end test of loading the campaign builder on first use: the first visit fetches none
// of the builder's files (its own wasm, `src/bin/racelab-builder.rs`, and its loader); opening
// the Build tab fetches them once, says "Opening the campaign builder…" meanwhile, and shows
// the builder; leaving and coming back fetches nothing again. If the builder cannot be
// fetched, the tab says so in a Marketo user's words (nothing is lost, what to do; the
// browser's own words only as a detail), the open scenario stays as it was, and "Try again"
// loads it. Screenshots of both states, also in presentation mode (builder-load*.png).
// Figures: the builder's gzipped sizes, and the time from clicking the Build tab until the
// builder shows (unthrottled, first and second time; and on the 4G-like profile of app.mjs).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { harness, attr, text, shot, DIST } from "./lib.mjs";

const h = await harness("builder_load");
const { BASE, served, figures, check } = h;
const FOUR_G = { offline: false, latency: 170, downloadThroughput: 9e6 / 8, uploadThroughput: 9e6 / 8 };
const isBuilder = (path) => /racelab-builder|builder-boot/.test(path);
const builderFetches = () => served.filter(isBuilder);
// The builder's wasm file (not the loader, whose query names it).
const theWasm = (url) => url.pathname.endsWith("/racelab-builder_bg.wasm");

// Clicks the Build tab and returns the milliseconds until the builder shows.
async function openBuild(page) {
  const t0 = Date.now();
  await page.click("#tab-build");
  await page.waitForSelector("#build-title", { timeout: 60_000 });
  return Date.now() - t0;
}

h.after = async () => {
  const gz = (f) => readFile(join(DIST, f)).then((b) => gzipSync(b, { level: 9 }).length);
  figures.builder_wasm_gzip_bytes = await gz("racelab-builder_bg.wasm");
  figures.builder_js_gzip_bytes = (await gz("racelab-builder.js")) + (await gz("builder-boot.js"));
};

await h.run(async () => {
  const browser = await h.launch();

  h.step = "the first visit fetches none of the builder";
  const page = await h.newPage(browser);
  await page.goto(BASE, { waitUntil: "load" });
  await page.waitForSelector("#card-list-queue");
  await page.waitForTimeout(500);
  check(builderFetches().length === 0, `nothing of the builder is fetched before the Build tab opens (${builderFetches()})`);
  await page.click("#card-list-queue");
  await page.waitForSelector("#violations[data-trace-hash]");
  check(builderFetches().length === 0, `running a scenario fetches none of the builder (${builderFetches()})`);

  h.step = "opening the Build tab fetches the builder once";
  figures.builder_first_open_ms = await openBuild(page);
  const fetched = builderFetches();
  check(fetched.some((p) => p.endsWith("/racelab-builder_bg.wasm")) && fetched.some((p) => p.endsWith("/racelab-builder.js")),
    `the Build tab fetched the builder's wasm and js (${fetched})`);
  check((await page.inputValue("#build-title")) === "A static list used as a task queue",
    "the builder opens the scenario open in Run");
  check(await page.$("#build-loading") === null, "the loading message is gone once the builder shows");
  await page.click("#tab-library");
  await page.waitForSelector("#card-list-queue");
  figures.builder_reopen_ms = await openBuild(page);
  check(builderFetches().length === fetched.length, `coming back to the Build tab fetches nothing again (${builderFetches()})`);

  h.step = "a change in the builder reaches the app; Run it shows the Run tab";
  await page.fill("#build-title", "Queue, retitled");
  await page.press("#build-title", "Enter");
  await page.waitForSelector("#build-valid");
  await page.click("#build-run");
  await page.waitForSelector("#violations[data-trace-hash]");
  check((await text(page, "#scenario-title")) === "Queue, retitled", "the Run tab shows the builder's scenario");
  await page.click("#tab-build");
  await page.waitForSelector("#build-title");
  check((await page.inputValue("#build-title")) === "Queue, retitled", "the builder keeps its draft across tabs");

  h.step = "on a 4G-like network the tab says the builder is loading";
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const slow = await context.newPage();
    slow.on("pageerror", (e) => h.problems.push(`${h.step}: page error: ${e.message}`));
    await slow.goto(BASE);
    await slow.waitForSelector("#card-list-queue");
    const cdp = await context.newCDPSession(slow);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", FOUR_G);
    const t0 = Date.now();
    await slow.click("#tab-build");
    const loading = await slow.waitForSelector("#build-loading", { timeout: 5_000 }).catch(() => null);
    check(loading && (await loading.textContent()).trim() === "Opening the campaign builder\u2026",
      "\u201cOpening the campaign builder\u2026\u201d shows while it loads");
    await shot(slow, "builder-loading");
    await slow.check("#presentation");
    await shot(slow, "builder-loading-presentation");
    await slow.waitForSelector("#build-title", { timeout: 60_000 });
    figures.builder_first_open_4g_ms = Date.now() - t0;
    await context.close();
  }

  h.step = "when the builder cannot be fetched, nothing is lost and Try again loads it";
  {
    const failing = await h.newPage(browser);
    await failing.route(theWasm, (route) => route.abort("internetdisconnected"));
    await failing.goto(BASE);
    await failing.click("#card-list-queue");
    await failing.waitForSelector("#violations[data-trace-hash]");
    const before = await attr(failing, "#violations", "data-trace-hash");
    await failing.click("#tab-build");
    await failing.waitForSelector("#build-load-failed");
    const message = await text(failing, "#build-load-failed");
    check(/could not download the campaign builder/.test(message) && /Nothing is lost/.test(message)
      && /Try again/.test(message) && !/fetch|loader|wasm|script/i.test(message),
      `the tab says what happened, in plain words (${message})`);
    const detail = await text(failing, "#build-load-detail");
    check(/Failed to fetch/.test(detail), `the browser's own words are there as a detail (${detail})`);
    await shot(failing, "builder-load-failed");
    await failing.check("#presentation");
    await shot(failing, "builder-load-failed-presentation");
    await failing.uncheck("#presentation");
    await failing.unroute(theWasm);
    await failing.click("#build-load-retry");
    await failing.waitForSelector("#build-title", { timeout: 60_000 });
    check((await failing.inputValue("#build-title")) === "A static list used as a task queue",
      "after Try again, the builder opens the scenario open in Run");
    await failing.click("#tab-run");
    await failing.waitForSelector("#violations[data-trace-hash]");
    check((await attr(failing, "#violations", "data-trace-hash")) === before, "the run open before is still open");
    // The browser's own report of the aborted download is expected here.
    for (let i = h.problems.length - 1; i >= 0; i--) {
      if (h.problems[i].startsWith(h.step) && /Failed to load resource: net::ERR_/.test(h.problems[i])) h.problems.splice(i, 1);
    }
  }
});
