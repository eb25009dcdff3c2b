// End-to-end test of the campaign builder's editing abilities, through the UI only, on
// list-queue: "duplicate this variant and change it" (the change lands in the copy only), the
// difference between two variants step by step (compared with a variant the user picks),
// reordering flow steps by keyboard (Alt+Down / Alt+Up, the focus following the step) and by a
// real mouse drag of a step's handle, undo and redo (buttons and Ctrl+Z / Ctrl+Y), autosave
// (a reload keeps the work), and Export / Import JSON (a downloaded file comes back in; a file
// that is not a scenario is refused in words and loses nothing). Screenshots at 1280×720 and
// in presentation mode go to target/e2e/ (builder-variants*.png, builder-drag.png).
import { readFile } from "node:fs/promises";
import { harness, attr, text, shot } from "./lib.mjs";

const h = await harness("builder_variants");
const { BASE, check } = h;

const type = async (page, sel, value) => {
  await page.fill(sel, value);
  await page.press(sel, "Enter");
};
const kinds = async (page) =>
  page.$$eval("#flow-steps > li > .bline > .bfield > select[id$='-kind']", (all) => all.map((s) => s.value));
const focused = (page) => page.evaluate(() => document.activeElement?.id || "");
// Opens the smart campaign whose button starts with `name`, on its Flow tab.
async function openFlow(page, name) {
  await page.locator("[id^=open-campaign-]", { hasText: name }).first().click();
  await page.waitForFunction((n) => document.querySelector("#campaign-name")?.value === n, name);
  await page.click("#ctab-flow");
  await page.waitForSelector("#flow-steps");
}
const HOURLY = "Drain Queue (hourly)";
const COPY = "recheck, with a reminder";

await h.run(async () => {
  const browser = await h.launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  const page = await h.newPage(browser, { context });

  h.step = "list-queue opens in the builder";
  await page.goto(BASE);
  await page.click("#card-list-queue");
  await page.waitForSelector("#violations[data-trace-hash]");
  await page.click("#tab-build");
  await page.waitForSelector("#build-valid");
  check((await page.inputValue("#build-title")) === "A static list used as a task queue", "the builder opens list-queue");

  h.step = "duplicate a variant and change the copy";
  await page.selectOption("#edit-variant", "recheck");
  await openFlow(page, HOURLY);
  const recheckSteps = await kinds(page);
  await type(page, "#duplicate-variant", COPY);
  await page.waitForFunction((v) => document.querySelector("#edit-variant")?.value === v, COPY);
  check(JSON.stringify(await kinds(page)) === JSON.stringify(recheckSteps), `the copy starts with the same steps (${await kinds(page)})`);
  const emailStep = recheckSteps.indexOf("send_email") + 1;
  check(emailStep > 0, `the hourly campaign of "recheck" sends an email (${recheckSteps})`);
  await type(page, `#step-${emailStep}-email`, "Reminder Email");
  await page.waitForSelector("#variant-differences li");
  const diff = await text(page, "#variant-differences");
  check(diff.includes(`${COPY} compared with recheck`), `the difference names both variants (${diff})`);
  check(/Step \d+/.test(diff) && diff.includes("Reminder Email") && diff.includes("Task Email"),
    `the difference shows the changed step, before and after (${diff})`);
  check((await page.$$("#variant-differences li.diff-line")).length === 1, `exactly one step differs from "recheck" (${diff})`);
  await page.selectOption("#compare-variant", "naive");
  await page.waitForFunction(() => /compared with naive/.test(document.querySelector("#variant-differences")?.textContent || ""));
  const fromNaive = (await page.$$("#variant-differences li.diff-line")).length;
  check(fromNaive > 1, `compared with "naive", more steps differ (${await text(page, "#variant-differences")})`);
  await page.locator("#variant-differences").scrollIntoViewIfNeeded();
  await shot(page, "builder-variants");
  await page.check("#presentation");
  await page.locator("#variant-differences").scrollIntoViewIfNeeded();
  await shot(page, "builder-variants-presentation");
  await page.uncheck("#presentation");
  await page.selectOption("#edit-variant", "recheck");
  await openFlow(page, HOURLY);
  check((await page.inputValue(`#step-${emailStep}-email`)) === "Task Email", "the variant it was copied from is unchanged");
  await page.selectOption("#edit-variant", COPY);
  await openFlow(page, HOURLY);

  h.step = "reorder steps by keyboard";
  const before = await kinds(page);
  await page.focus("#step-1");
  await page.keyboard.press("Alt+ArrowDown");
  await page.waitForFunction((k) => document.querySelector("#step-1-kind")?.value === k, before[1]);
  const moved = await kinds(page);
  check(moved[0] === before[1] && moved[1] === before[0], `Alt+Down swaps steps 1 and 2 (${before} -> ${moved})`);
  check((await focused(page)) === "step-2", `the focus follows the moved step (${await focused(page)})`);
  await page.keyboard.press("Alt+ArrowUp");
  await page.waitForFunction((k) => document.querySelector("#step-1-kind")?.value === k, before[0]);
  check(JSON.stringify(await kinds(page)) === JSON.stringify(before), "Alt+Up moves it back");
  check((await focused(page)) === "step-1", `the focus is on step 1 again (${await focused(page)})`);

  h.step = "reorder steps by dragging";
  const grip = await page.locator("#step-2 .grip").boundingBox();
  const target = await page.locator("#step-1").boundingBox();
  check(grip !== null && target !== null, "step 2 has a drag handle");
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + 40, target.y + target.height / 2, { steps: 8 });
  await shot(page, "builder-drag");
  await page.mouse.up();
  await page.waitForFunction((k) => document.querySelector("#step-1-kind")?.value === k, before[1]);
  const dragged = await kinds(page);
  check(dragged[0] === before[1] && dragged[1] === before[0], `dragging step 2 onto step 1 swaps them (${dragged})`);

  h.step = "undo and redo";
  await page.click("#build-undo");
  await page.waitForFunction((k) => document.querySelector("#step-1-kind")?.value === k, before[0]);
  check(JSON.stringify(await kinds(page)) === JSON.stringify(before), "Undo puts the steps back");
  await page.click("#build-redo");
  await page.waitForFunction((k) => document.querySelector("#step-1-kind")?.value === k, before[1]);
  check((await kinds(page))[0] === before[1], "Redo moves them again");
  await page.focus("#step-1");
  await page.keyboard.press("Control+z");
  await page.waitForFunction((k) => document.querySelector("#step-1-kind")?.value === k, before[0]);
  check((await kinds(page))[0] === before[0], "Ctrl+Z undoes the move");
  await page.focus("#step-1");
  await page.keyboard.press("Control+y");
  await page.waitForFunction((k) => document.querySelector("#step-1-kind")?.value === k, before[1]);
  check((await kinds(page))[0] === before[1], "Ctrl+Y redoes it");

  h.step = "autosave: a reload keeps the work";
  await page.waitForTimeout(300);
  await page.reload();
  await page.click("#tab-build");
  await page.waitForSelector("#edit-variant");
  await page.selectOption("#edit-variant", COPY);
  await openFlow(page, HOURLY);
  const reloaded = await kinds(page);
  check(JSON.stringify(reloaded) === JSON.stringify(dragged), `the reordered steps are kept (${reloaded})`);
  const email = reloaded.indexOf("send_email") + 1;
  check(email > 0 && (await page.inputValue(`#step-${email}-email`)) === "Reminder Email", "the changed email is kept");

  h.step = "Export JSON, then Import JSON";
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#build-export")]);
  const exported = JSON.parse(await readFile(await download.path(), "utf8"));
  check(download.suggestedFilename() === "list-queue.json", `the file is named after the scenario (${download.suggestedFilename()})`);
  const copy = exported.variants.find((v) => v.name === COPY);
  check(copy && JSON.stringify(copy).includes("Reminder Email"), "the exported file has the new variant and its change");
  exported.title = "Queue, imported";
  await page.setInputFiles("#build-import", {
    name: "queue.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(exported)),
  });
  await page.waitForFunction(() => document.querySelector("#build-title")?.value === "Queue, imported"
    || document.querySelector("#build-note"), null, { timeout: 10_000 }).catch(() => {});
  check((await page.inputValue("#build-title")) === "Queue, imported",
    `the imported file opens (${await page.inputValue("#build-title")}; ${await page.$("#build-note") && await text(page, "#build-note")})`);
  check((await page.$("#notice")) === null && (await attr(page, "#tab-build", "aria-selected")) === "true",
    "the builder's import stays in the builder (the app's own Import JSON does not run too)");
  check((await page.$$eval("#edit-variant option", (o) => o.map((x) => x.value))).includes(COPY), "the imported scenario has the new variant");
  await page.setInputFiles("#build-import", {
    name: "notes.json", mimeType: "application/json", buffer: Buffer.from("{\"these are\": \"not campaigns\"}"),
  });
  await page.waitForSelector("#build-note");
  const note = await text(page, "#build-note");
  check(/notes\.json|file/.test(note) && !/serde|unknown variant|at line/.test(note), `a wrong file is refused in plain words (${note})`);
  check((await page.inputValue("#build-title")) === "Queue, imported", "the work open before is kept");
  await page.locator("#build-note").scrollIntoViewIfNeeded();
  await shot(page, "builder-import-refused");
  check((await attr(page, "#build-undo", "disabled")) === null, "undo is still there after an import");
});
