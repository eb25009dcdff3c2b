// End-to-end smoke test: serve dist/ (built by `trunk build --release`) on a free localhost port,
// open it in headless Chromium through playwright-core, wait for the built-in scenario runs,
// save target/e2e/smoke.png and check #outcome-naive / #outcome-fixed carry a trace hash.
// Exits non-zero on any failure, a page error or a Content-Security-Policy violation.
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { chromium } from "playwright-core";

const DIST = resolve("dist");
const SHOT = "target/e2e/smoke.png";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const VARIANTS = ["naive", "fixed"];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

// Hard limit for the whole test, whatever hangs.
const watchdog = setTimeout(() => {
  console.error("FAIL: e2e smoke test took longer than 120 s");
  process.exit(1);
}, 120_000);

const server = createServer(async (req, res) => {
  const path = new URL(req.url, "http://localhost").pathname;
  const file = normalize(join(DIST, path === "/" ? "index.html" : decodeURIComponent(path)));
  try {
    if (!file.startsWith(DIST)) throw new Error("outside dist");
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end("not found");
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const url = `http://127.0.0.1:${server.address().port}/`;

const problems = [];
let browser;
try {
  browser = await chromium.launch({
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
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });

  console.log(`opening ${url}`);
  await page.goto(url, { waitUntil: "load" });
  const done = VARIANTS.map((v) => `#outcome-${v}, #error-${v}`).join(", ");
  await page.waitForFunction(
    (sel) => sel.split(";").every((s) => document.querySelector(s)),
    VARIANTS.map((v) => `#outcome-${v}, #error-${v}`).join(";"),
  ).catch(() => problems.push(`no run result appeared (waited for ${done})`));

  await mkdir("target/e2e", { recursive: true });
  await page.screenshot({ path: SHOT, fullPage: true });
  console.log(`screenshot: ${SHOT}`);

  for (const v of VARIANTS) {
    const el = await page.$(`#outcome-${v}`);
    if (!el) {
      const err = await page.$(`#error-${v}`);
      const why = err ? `the page shows: ${(await err.textContent()).trim()}` : "nothing rendered";
      problems.push(`#outcome-${v} missing (${why})`);
      continue;
    }
    const hash = (await el.getAttribute("data-trace-hash")) || "";
    const text = ((await el.textContent()) || "").trim();
    if (!/^[0-9a-f]{16}$/.test(hash)) problems.push(`#outcome-${v} data-trace-hash is "${hash}"`);
    console.log(`${v}: outcome "${text}", trace hash ${hash}`);
  }
} catch (e) {
  problems.push(`error: ${e.message}`);
} finally {
  await browser?.close().catch(() => {});
  server.closeAllConnections();
  server.close();
  clearTimeout(watchdog);
}

if (problems.length) {
  for (const p of problems) console.error(`FAIL: ${p}`);
  process.exit(1);
}
console.log("e2e smoke test passed");
