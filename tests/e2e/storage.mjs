// End-to-end tests of keeping the work (issue 16), as a user would meet them:
//   two tabs with different work each get their own back after a reload, and a new tab opens
//   the most recent work and lists the other under "Saved work" → a duplicated tab (its
//   session storage copied, as the browser's "Duplicate tab" does) opens the same work, then
//   keeps its own changes apart from the original's → with the browser's storage
//   full, an import says on screen that the work is not saved → a broken file and a file over
//   the import limit each give a message and leave the work as it was → Back after opening a
//   library card returns to the link that was open (same trace hash), Forward to the card →
//   a scenario too large for a link says so, keeps the URL short, and comes back after a
//   reload and with Back.
// Screenshots of the messages at 1280×720 (and one in presentation mode) go to target/e2e/.
import { randomBytes } from "node:crypto";
import { harness, sourceOf, titleOf, text, shot, viewOf } from "./lib.mjs";

const h = await harness("storage");
const { BASE, check, figures } = h;

// Waits until the run shows and its trace hash is there.
const ready = (page) => page.waitForSelector("#violations[data-trace-hash]");

async function setSeed(page, seed) {
  await page.fill("#seed", String(seed));
  await page.press("#seed", "Enter");
  await page.locator("#seed").blur();
  await page.waitForFunction((s) => document.querySelector("#seed")?.value === s, String(seed));
  await ready(page);
}

// Opens built-in `id` from the library at `seed`.
async function openCard(page, id, seed) {
  if (!(await page.$(`#card-${id}`))) await page.click("#tab-library");
  await page.click(`#card-${id}`);
  await page.waitForFunction(
    (t) => document.querySelector("#scenario-title")?.textContent === t && document.querySelector("#violations"),
    await titleOf(id),
  );
  if (seed !== undefined) await setSeed(page, seed);
  return viewOf(page);
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const importFile = (page, name, body) =>
  page.setInputFiles("#import-json", { name, mimeType: "application/json", buffer: Buffer.from(body) });
// A valid scenario: built-in `id` under a new id and title, its summary padded with `pad`
// letters that hardly compress (so its link is long).
async function scenarioFile(id, title, pad = 0) {
  const s = JSON.parse(await sourceOf(id));
  s.id = `my-${id}`;
  s.title = title;
  if (pad) s.summary = [...randomBytes(pad)].map((b) => String.fromCharCode(97 + (b % 26))).join("");
  return JSON.stringify(s);
}

await h.run(async () => {
  const browser = await h.launch();

  h.step = "two tabs, each with its own work";
  const shared = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const tabA = await h.newPage(browser, { context: shared });
  await tabA.goto(BASE, { waitUntil: "load" });
  const workA = await openCard(tabA, "list-queue", 5);
  const tabB = await h.newPage(browser, { context: shared });
  await tabB.goto(BASE, { waitUntil: "load" });
  await ready(tabB); // a new tab opens the most recent work (tab A's)
  check((await viewOf(tabB)).hash === workA.hash, "a new tab opens the most recent work");
  const workB = await openCard(tabB, "alert-before-owner", 9);
  check(workA.hash !== workB.hash, "the two tabs hold different work");
  // A reload without the link: each tab's autosave brings back its own work.
  for (const [page, want, name] of [[tabA, workA, "A"], [tabB, workB, "B"], [tabA, workA, "A"]]) {
    await page.goto(BASE, { waitUntil: "load" });
    await ready(page);
    const got = await viewOf(page);
    check(same(got, want), `tab ${name} gets its own work back: ${JSON.stringify(want)} vs ${JSON.stringify(got)}`);
  }
  const tabC = await h.newPage(browser, { context: shared });
  await tabC.goto(BASE, { waitUntil: "load" });
  await ready(tabC);
  check((await viewOf(tabC)).title === workA.title, "a new tab opens the most recent work (A's, reloaded last)");
  const told = await text(tabC, "#notice");
  check(/most recent work/.test(told) && /Saved work/.test(told), `it says where the other work is (got "${told}")`);
  await shot(tabC, "storage-new-tab");
  await tabC.click("#tab-library");
  await tabC.waitForSelector("#saved-heading");
  const listed = await text(tabC, ".saved-list");
  check(listed.includes(workA.title) && listed.includes(workB.title), `Saved work lists both tabs' work (${listed})`);
  await tabC.locator("#saved-heading").scrollIntoViewIfNeeded();
  await shot(tabC, "storage-saved-work");
  const itemB = tabC.locator(".saved-item", { hasText: workB.title });
  await itemB.locator(".saved-open").click();
  await tabC.waitForFunction((t) => document.querySelector("#scenario-title")?.textContent === t, workB.title);
  await ready(tabC);
  check((await viewOf(tabC)).hash === workB.hash, "Open brings back tab B's run in this tab");
  await tabB.goto(BASE, { waitUntil: "load" });
  await ready(tabB);
  check(same(await viewOf(tabB), workB), "tab B still has its own work");

  h.step = "a duplicated tab keeps its own work apart from the original's";
  const idA = await tabA.evaluate(() => sessionStorage.getItem("racelab.tab"));
  const tabD = await h.newPage(browser, { context: shared });
  // "Duplicate tab" copies the page's session storage (so the tab id) and its address.
  await tabD.addInitScript((id) => {
    if (!sessionStorage.getItem("racelab.tab")) sessionStorage.setItem("racelab.tab", id);
  }, idA);
  await tabD.goto(BASE, { waitUntil: "load" });
  await ready(tabD);
  check(same(await viewOf(tabD), workA), "the duplicate opens the original's work");
  await tabD.waitForFunction((id) => sessionStorage.getItem("racelab.tab") !== id, idA, { timeout: 5000 })
    .catch(() => {});
  const idD = await tabD.evaluate(() => sessionStorage.getItem("racelab.tab"));
  check(idD && idD !== idA, `the duplicate takes its own id (${idA} → ${idD})`);
  const workD = await openCard(tabD, "list-queue", 11);
  check(workD.hash !== workA.hash, "the duplicate's work differs from the original's");
  for (const [page, want, name] of [[tabA, workA, "original"], [tabD, workD, "duplicate"]]) {
    await page.goto(BASE, { waitUntil: "load" });
    await ready(page);
    check(same(await viewOf(page), want), `after a reload the ${name} gets its own work back`);
  }
  await tabD.close();

  h.step = "a failed import leaves the work as it was";
  const before = await viewOf(tabA);
  const url = tabA.url();
  await importFile(tabA, "broken.json", "{ not json");
  await tabA.waitForSelector("#notice");
  check(/Import failed/.test(await text(tabA, "#notice")), `a broken file says so (${await text(tabA, "#notice")})`);
  check(same(await viewOf(tabA), before) && tabA.url() === url, "a broken file leaves the work and the URL as they were");
  await tabA.click("#notice button");
  const huge = await scenarioFile("list-queue", "Too big", 0);
  await importFile(tabA, "huge.json", huge + " ".repeat(1536 * 1024));
  await tabA.waitForSelector("#notice");
  const refused = await text(tabA, "#notice");
  check(/Import failed: “huge.json” is 1\.5 MB/.test(refused) && /up to 1\.0 MB/.test(refused),
    `a file over the limit is refused with its size and the limit (got "${refused}")`);
  check(same(await viewOf(tabA), before) && tabA.url() === url, "a file over the limit leaves the work as it was");
  await shot(tabA, "storage-import-too-big");
  await tabA.goto(BASE, { waitUntil: "load" });
  await ready(tabA);
  check(same(await viewOf(tabA), before), "after a reload the saved work is still the one before the imports");
  await shared.close();

  h.step = "storage full: an import says it is not saved";
  const full = await h.newPage(browser);
  await full.goto(BASE, { waitUntil: "load" });
  await full.waitForSelector("#card-list-queue");
  const filled = await full.evaluate(() => {
    let n = 0;
    let chars = 0;
    for (let size = 1 << 20; size >= 8; size >>= 1) {
      try {
        for (;;) {
          localStorage.setItem(`filler.${n++}`, "x".repeat(size));
          chars += size;
        }
      } catch {}
    }
    return chars;
  });
  figures.storage_localstorage_chars_until_full = filled;
  await importFile(full, "mine.json", await scenarioFile("list-queue", "My queue"));
  await full.waitForFunction(() => document.querySelector("#scenario-title")?.textContent === "My queue");
  await full.waitForSelector("#not-saved");
  const unsaved = await text(full, "#not-saved");
  check(/not saved/.test(unsaved) && /full/.test(unsaved), `a visible message says the work is not saved (got "${unsaved}")`);
  check(await full.isVisible("#not-saved"), "the message is on screen");
  await shot(full, "storage-full");
  await full.evaluate(() => {
    for (const k of Object.keys(localStorage)) if (k.startsWith("filler.")) localStorage.removeItem(k);
  });
  await setSeed(full, 3); // the next change saves, and the message goes
  await full.waitForSelector("#not-saved", { state: "detached" });
  await full.context().close();

  h.step = "Back and Forward between a link and a library card";
  const maker = await h.newPage(browser);
  await maker.goto(BASE, { waitUntil: "load" });
  await openCard(maker, "list-queue", 42);
  await maker.click("#copy-link");
  const link = await maker.inputValue("#share-link");
  await maker.context().close();
  const nav = await h.newPage(browser);
  await nav.goto(BASE, { waitUntil: "load" });
  await nav.waitForSelector("#card-list-queue");
  await nav.goto(link, { waitUntil: "load" });
  await ready(nav);
  const linked = await viewOf(nav);
  const card = await openCard(nav, "duplicate-lead");
  check(linked.hash !== card.hash, "the card's run differs from the link's");
  await nav.goBack({ waitUntil: "commit" });
  await nav.waitForFunction((t) => document.querySelector("#scenario-title")?.textContent === t, linked.title);
  await ready(nav);
  const back = await viewOf(nav);
  check(same(back, linked), `Back returns to the link's run: ${JSON.stringify(linked)} vs ${JSON.stringify(back)}`);
  await nav.goForward({ waitUntil: "commit" });
  await nav.waitForFunction((t) => document.querySelector("#scenario-title")?.textContent === t, card.title);
  await ready(nav);
  check((await viewOf(nav)).hash === card.hash, "Forward returns to the card's run");

  h.step = "a scenario too large for a link";
  const large = await scenarioFile("list-queue", "Large imported queue", 200 * 1024);
  figures.storage_large_import_bytes = large.length;
  await importFile(nav, "large.json", large);
  await nav.waitForFunction(() => document.querySelector("#scenario-title")?.textContent === "Large imported queue");
  await ready(nav);
  const big = await viewOf(nav);
  await nav.waitForSelector("#not-a-link");
  const notLink = await text(nav, "#not-a-link");
  check(/too large to share as a link/.test(notLink) && /Export JSON/.test(notLink),
    `it says it cannot be shared as a link, and how to share it (got "${notLink}")`);
  check(/imported/.test(await text(nav, "#notice")), "the import itself is confirmed");
  figures.storage_large_import_url_chars = nav.url().length;
  check(nav.url().length < 200, `the URL stays short (${nav.url().length} characters)`);
  await shot(nav, "storage-too-large-for-a-link");
  await nav.check("#presentation");
  await shot(nav, "storage-too-large-for-a-link-presentation");
  await nav.uncheck("#presentation");
  await nav.reload({ waitUntil: "load" });
  await ready(nav);
  check(same(await viewOf(nav), big), "a reload restores the imported scenario");
  await nav.goto(BASE, { waitUntil: "load" });
  await ready(nav);
  check((await viewOf(nav)).hash === big.hash, "a visit without a link restores it from the tab's autosave");
  await openCard(nav, "duplicate-lead", 4);
  await nav.goBack({ waitUntil: "commit" });
  await nav.waitForFunction(() => document.querySelector("#scenario-title")?.textContent === "Large imported queue");
  await ready(nav);
  check((await viewOf(nav)).hash === big.hash, "Back returns to the large scenario's run");
});
