// Shared harness of the end-to-end tests (each `tests/e2e/*.mjs` but this one is a test file;
// `scripts/e2e` runs them one after another): serve dist/ (the `trunk build --release` output)
// on a free localhost port, launch Debian's Chromium through playwright-core, open pages that
// report page errors, console errors and CSP violations as problems, and collect checks and
// measured figures. `finish` closes everything, merges the figures into
// target/e2e/figures.json and exits non-zero if any check failed.
import { createServer } from "node:http";
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { extname, join, normalize, resolve } from "node:path";
import { chromium } from "playwright-core";

export const DIST = resolve("dist");
export const OUT = "target/e2e";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".json": "application/json",
};

// One test file's harness: `name` labels its messages, `timeoutMs` is its watchdog.
export async function harness(name, { timeoutMs = 300_000 } = {}) {
  const h = { name, step: "start", problems: [], figures: {}, served: [] };
  const watchdog = setTimeout(() => {
    console.error(`FAIL: ${name}: e2e tests took longer than ${timeoutMs / 1000} s (at: ${h.step})`);
    process.exit(1);
  }, timeoutMs);

  // Files go out gzipped when the browser asks for it, as any web host serves them:
  // first-render figures then measure what a user's download costs.
  const gzipped = new Map();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://localhost").pathname;
    h.served.push(path);
    const file = normalize(join(DIST, path === "/" ? "index.html" : decodeURIComponent(path)));
    try {
      if (!file.startsWith(DIST)) throw new Error("outside dist");
      let body = await readFile(file);
      const headers = { "content-type": TYPES[extname(file)] || "application/octet-stream" };
      if (/\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
        if (!gzipped.has(file)) gzipped.set(file, gzipSync(body, { level: 6 }));
        body = gzipped.get(file);
        headers["content-encoding"] = "gzip";
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  h.BASE = `http://127.0.0.1:${server.address().port}/`;
  await mkdir(OUT, { recursive: true });

  h.check = (ok, what) => {
    if (!ok) h.problems.push(`${h.step}: ${what}`);
    return ok;
  };

  h.launch = async () => {
    h.browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: 30_000,
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--disable-gpu",
      ],
    });
    return h.browser;
  };

  // A page in a new browser context at 1280×720 (or in `context`, to share its storage).
  // `offline`: fetching the built-in scenarios fails (the browser's own report of each failed
  // load is then expected, not a problem).
  h.newPage = async (browser, { offline = false, context = null } = {}) => {
    const ctx = context || (await browser.newContext({ viewport: { width: 1280, height: 720 } }));
    const page = await ctx.newPage();
    page.setDefaultTimeout(30_000);
    page.on("pageerror", (e) => h.problems.push(`${h.step}: page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      if (offline && /^Failed to load resource: net::ERR_/.test(m.text())) return;
      h.problems.push(`${h.step}: console error: ${m.text()}`);
    });
    if (offline) await page.route(/\/scenarios\/[a-z-]+\.json(\?|$)/, (route) => route.abort("internetdisconnected"));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    return page;
  };

  // Runs the test body, records a thrown error as a problem, then closes everything, merges
  // the figures into target/e2e/figures.json and exits non-zero on any problem.
  h.run = async (body) => {
    try {
      await body();
    } catch (e) {
      h.problems.push(`${h.step}: ${e.message}`);
    } finally {
      await h.browser?.close().catch(() => {});
      server.closeAllConnections();
      server.close();
      clearTimeout(watchdog);
    }
    if (h.after) await h.after();
    let all = {};
    try {
      all = JSON.parse(await readFile(`${OUT}/figures.json`, "utf8"));
    } catch {}
    Object.assign(all, h.figures);
    await writeFile(`${OUT}/figures.json`, JSON.stringify(all, null, 2) + "\n");
    if (Object.keys(h.figures).length) console.log(`${name} figures:`, JSON.stringify(h.figures));
    if (h.problems.length) {
      for (const p of h.problems) console.error(`FAIL: ${name}: ${p}`);
      process.exit(1);
    }
    console.log(`e2e ${name}: all checks passed; screenshots in ${OUT}/`);
  };
  return h;
}

// The built-in scenario files a page fetched, in order.
export function scenarioFetches(page) {
  const ids = [];
  page.on("request", (r) => {
    const m = /\/scenarios\/([a-z-]+)\.json$/.exec(new URL(r.url()).pathname);
    if (m) ids.push(m[1]);
  });
  return ids;
}
export const sourceOf = (id) => readFile(`src/scenarios/${id}.json`, "utf8");
export const titleOf = async (id) => JSON.parse(await sourceOf(id)).title;

export const text = async (page, sel) => ((await page.textContent(sel)) || "").trim();
export const attr = (page, sel, name) => page.getAttribute(sel, name);
export const shot = (page, name) => page.screenshot({ path: `${OUT}/${name}.png` });

// The state a link must reproduce: run identity plus what the user was looking at.
export async function viewOf(page) {
  return {
    title: await text(page, "#scenario-title"),
    tab: await text(page, "[role=tab][aria-selected=true]"),
    variant: await page.inputValue("#variant"),
    seed: await page.inputValue("#seed"),
    hash: await attr(page, "#violations", "data-trace-hash"),
    violations: await attr(page, "#violations", "data-count"),
    playhead: await text(page, "#playhead-time"),
  };
}

// Plays the scheduler challenge on screen to its win, asking for a hint before each click on
// a choice and clicking the option it names, at most `most` times. Checks (with `h.check`)
// that each hint names an option that is offered. Returns the clicks on choices and the win
// message ("" if there was none).
export async function playHintsToWin(h, page, most = 6) {
  let clicks = 0;
  while ((await page.$("#sched-win")) === null && clicks < most) {
    await page.click("#sched-hint");
    await page.waitForSelector("#sched-hint-text");
    const hint = await text(page, "#sched-hint-text");
    if (!h.check(hint.startsWith("Pick: "), `a hint names an option (${hint})`)) break;
    const want = hint.slice("Pick: ".length);
    let picked = false;
    for (const o of await page.$$("#sched-next button.option")) {
      if ((await o.textContent()) === want) {
        await o.click();
        picked = true;
        break;
      }
    }
    if (!h.check(picked, `the hinted option is offered (${want})`)) break;
    clicks += 1;
    await page.waitForTimeout(100);
  }
  await page.waitForSelector("#sched-win", { timeout: 5_000 }).catch(() => {});
  const win = (await page.$("#sched-win")) ? await text(page, "#sched-win") : "";
  return { clicks, win };
}
