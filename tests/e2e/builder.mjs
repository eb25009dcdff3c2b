// End-to-end test of the campaign builder (the Build tab), with clicks and typing only:
//   list-queue opened in the builder and run unchanged gives the built-in's trace hash;
//   from a blank scenario, build list-queue's naive pair (the Work Queue list, a trigger
//   campaign on Added to List, an hourly batch campaign filtered by list membership, both
//   Remove from List then Send Email, 20 people queued twice) → a 1,000-seed sweep shows
//   violations → a Call Webhook step added to the batch campaign shows Marketo's refusal at
//   that step → the compare-and-swap claim built the valid way (the batch requests a trigger
//   campaign that calls the webhook; each drain claims through its own webhook and field)
//   → 0 violations over 1,000 seeds → the copied link opened in a fresh page gives the same
//   trace hash. Screenshots of the Smart List and Flow tabs (1280×720 and presentation mode)
//   go to target/e2e/ and docs/screenshots/.
import { copyFile } from "node:fs/promises";
import { harness, attr, text, shot, OUT } from "./lib.mjs";

const h = await harness("builder");
const { BASE, check } = h;

// Types into a field and presses Enter (the builder applies a change on Enter or on leaving).
const type = async (page, sel, value) => {
  await page.fill(sel, value);
  await page.press(sel, "Enter");
};
const pick = (page, sel, value) => page.selectOption(sel, value);
const open = (page, n) => page.click(`#open-campaign-${n}`);
const tab = (page, t) => page.click(`#ctab-${t}`);
const valid = (page) => page.waitForSelector("#build-valid");

async function sweep(page) {
  await page.click("#tab-sweep");
  await page.fill("#sweep-seeds", "1000");
  await page.press("#sweep-seeds", "Tab");
  await pick(page, "#sweep-knob", "");
  await page.click("#sweep-start");
  await page.waitForSelector("#sweep-status[data-done='true']", { timeout: 180_000 });
  const status = await text(page, "#sweep-status");
  const rate = Number(await attr(page, "#sweep-table tbody tr", "data-rate"));
  return { status, rate };
}

async function addCampaign(page, name) {
  await type(page, "#add-campaign", name);
  await page.waitForFunction((n) => document.querySelector("#campaign-name")?.value === n, name);
}

async function addStep(page, kind) {
  const before = (await page.$$("#flow-steps > li")).length;
  await pick(page, "#add-step", kind);
  await page.waitForSelector(`#step-${before + 1}`);
  return before + 1;
}

await h.run(async () => {
  const browser = await h.launch();
  const page = await h.newPage(browser);

  h.step = "a built-in opened in the builder and run unchanged gives the same trace hash";
  {
    const first = await h.newPage(browser);
    await first.goto(BASE);
    await first.click("#card-list-queue");
    await first.waitForSelector("#violations[data-trace-hash]");
    const builtin = await attr(first, "#violations", "data-trace-hash");
    await first.fill("#seed", "7");
    await first.press("#seed", "Enter");
    await first.waitForFunction((h) => document.querySelector("#violations")?.dataset.traceHash !== h, builtin);
    const seven = await attr(first, "#violations", "data-trace-hash");
    const builtinLink = await first.evaluate(() => location.hash.length);
    await first.click("#tab-build");
    await first.waitForSelector("#build-valid");
    check((await first.inputValue("#build-title")) === "A static list used as a task queue",
      "the builder opens the scenario open in Run");
    await first.click("#build-run");
    await first.waitForSelector("#violations[data-trace-hash]");
    const saved = await attr(first, "#violations", "data-trace-hash");
    const customLink = await first.evaluate(() => location.hash.length);
    check(customLink > 10 * builtinLink,
      `the run is now of the builder's saved JSON, carried in the link (${builtinLink} → ${customLink} characters)`);
    check(saved === seven, `saved by the builder, list-queue naive seed 7 runs the same (${seven} vs ${saved})`);
    await first.context().close();
  }

  h.step = "open the builder on a blank scenario";
  await page.goto(BASE);
  await page.click("#tab-build");
  await page.waitForSelector("#builder");
  await pick(page, "#build-start", "blank");
  await valid(page);

  h.step = "the list and the trigger campaign";
  await type(page, "#add-list", "Work Queue");
  await addCampaign(page, "Drain Queue (trigger)");
  await pick(page, "#add-trigger", "added_to_list");
  check((await page.inputValue("#trigger-1-list")) === "Work Queue", "the trigger is on Work Queue");
  await tab(page, "schedule");
  await pick(page, "#qualification", "every_time");
  await tab(page, "flow");
  await addStep(page, "remove_from_list");
  await addStep(page, "send_email");
  await type(page, "#step-2-email", "Task Email");

  h.step = "the hourly batch campaign";
  await addCampaign(page, "Drain Queue (hourly)");
  await tab(page, "smart-list");
  await pick(page, "#add-filter", "member_of_list");
  await tab(page, "schedule");
  await pick(page, "#campaign-kind", "batch");
  await pick(page, "#schedule-every-unit", "min");
  await type(page, "#schedule-every", "60");
  await pick(page, "#qualification", "every_time");
  await tab(page, "flow");
  await addStep(page, "remove_from_list");
  await addStep(page, "send_email");
  await type(page, "#step-2-email", "Task Email");

  h.step = "20 people queued twice, and the check";
  check((await page.inputValue("#people-1-count")) === "people", "the people count is the People knob (20)");
  await pick(page, "#add-event", "add_to_list");
  await pick(page, "#add-event", "add_to_list");
  await pick(page, "#event-2-at-1-unit", "min");
  await type(page, "#event-2-at-1", "240");
  await pick(page, "#event-2-at-2-unit", "min");
  await type(page, "#event-2-at-2", "360");
  await pick(page, "#add-check", "one_email_per_entry");
  await type(page, "#check-1-email", "Task Email");
  await valid(page);
  await open(page, 1);
  await tab(page, "smart-list");
  await shot(page, "builder-smart-list");
  await tab(page, "flow");
  await shot(page, "builder-flow");

  h.step = "the naive pair races over 1,000 seeds";
  const naive = await sweep(page);
  check(/done: 1000 of 1000 runs/.test(naive.status), `1,000 seeds ran (${naive.status})`);
  h.figures.builder_naive_violation_rate = naive.rate;
  check(naive.rate > 0, `the naive pair shows violations (rate ${naive.rate})`);

  h.step = "Call Webhook in the batch campaign is refused at that step";
  await page.click("#tab-build");
  await type(page, "#add-webhook", "Claim Entry (hourly)");
  await open(page, 2);
  await tab(page, "flow");
  const n = await addStep(page, "call_webhook");
  const error = await text(page, `#step-${n}-error`);
  check(/batch/i.test(error) && /webhook/i.test(error), `the error is at step ${n}: ${error}`);
  check((await attr(page, `#step-${n}`, "aria-invalid")) === "true", "the step is marked invalid");
  check(/cannot run yet/.test(await text(page, "#build-issue")), "the scenario cannot run, the work is kept");
  await shot(page, "builder-flow-error");
  await page.focus(`#step-${n}`);
  await page.keyboard.press("Control+z");
  await valid(page);
  check((await page.$(`#step-${n}`)) === null, "Ctrl+Z takes the step back");

  h.step = "the compare-and-swap claim, built the valid way";
  await type(page, "#add-field", "Claimed by Hourly Drain");
  await pick(page, "#field-2-type", "bool");
  await type(page, "#add-field", "Claimed by Trigger Drain");
  await pick(page, "#field-3-type", "bool");
  await type(page, "#webhook-1-add-mapping", "ok");
  await pick(page, "#webhook-1-map-1-field", "claimed_by_hourly_drain");
  await type(page, "#add-webhook", "Claim Entry (trigger)");
  await type(page, "#webhook-2-add-mapping", "ok");
  await pick(page, "#webhook-2-map-1-field", "claimed_by_trigger_drain");
  // The claim campaign the hourly batch requests (Call Webhook runs only in trigger campaigns).
  await addCampaign(page, "Claim and Send (hourly)");
  await tab(page, "smart-list");
  await pick(page, "#add-trigger", "campaign_is_requested");
  await tab(page, "schedule");
  await pick(page, "#qualification", "every_time");
  await tab(page, "flow");
  for (const [drain, webhook, field] of [
    [3, "Claim Entry (hourly)", "claimed_by_hourly_drain"],
    [1, "Claim Entry (trigger)", "claimed_by_trigger_drain"],
  ]) {
    await open(page, drain);
    await tab(page, "flow");
    const first = (await page.$$("#flow-steps > li")).length + 1;
    await addStep(page, "change_data_value");
    await pick(page, `#step-${first}-field`, field);
    await addStep(page, "call_webhook");
    await pick(page, `#step-${first + 1}-webhook`, webhook);
    await addStep(page, "choice");
    await pick(page, `#step-${first + 2}-if-1-field`, field);
    await pick(page, `#step-${first + 2}-if-1-test`, "is_not");
    await type(page, `#step-${first + 2}-if-1-value`, "true");
    if (first === 1) {
      await addStep(page, "send_email");
      await type(page, "#step-4-email", "Task Email");
      await addStep(page, "remove_from_list");
    } else {
      // The trigger drain's Remove from List and Send Email move below the claim, by keyboard.
      for (let i = 0; i < 3; i++) {
        for (let at = first + i; at > 1 + i; at--) {
          await page.focus(`#step-${at}`);
          await page.keyboard.press("Alt+ArrowUp");
        }
      }
    }
    const kinds = [];
    for (let i = 1; i <= 5; i++) kinds.push(await page.inputValue(`#step-${i}-kind`));
    check(kinds.slice(0, 3).join() === "change_data_value,call_webhook,choice",
      `${webhook}: claim first (${kinds.join()})`);
  }
  await open(page, 2);
  await tab(page, "flow");
  await page.click("#step-2-remove");
  await page.click("#step-1-remove");
  await addStep(page, "request_campaign");
  await pick(page, "#step-1-campaign", "Claim and Send (hourly)");
  await valid(page);
  await open(page, 1);
  await tab(page, "flow");
  await shot(page, "builder-flow-fixed");
  await page.check("#presentation");
  await shot(page, "builder-flow-presentation");
  await tab(page, "smart-list");
  await shot(page, "builder-smart-list-presentation");
  await page.uncheck("#presentation");

  h.step = "the claim holds over 1,000 seeds";
  const fixed = await sweep(page);
  check(/done: 1000 of 1000 runs/.test(fixed.status), `1,000 seeds ran (${fixed.status})`);
  h.figures.builder_claim_violation_rate = fixed.rate;
  check(fixed.rate === 0, `no violations with the claim (rate ${fixed.rate})`);

  h.step = "the link carries the built scenario";
  await page.click("#tab-run");
  await page.waitForSelector("#violations[data-trace-hash]");
  const hash = await attr(page, "#violations", "data-trace-hash");
  await page.click("#copy-link");
  const link = await page.inputValue("#share-link");
  const fresh = await h.newPage(browser);
  await fresh.goto(link);
  await fresh.waitForSelector("#violations[data-trace-hash]");
  const again = await attr(fresh, "#violations", "data-trace-hash");
  check(/^[0-9a-f]{16}$/.test(hash) && again === hash, `same trace hash in a fresh page (${hash} vs ${again})`);

  h.step = "duplicate a variant and change it: the difference shows step by step";
  await page.click("#tab-build");
  await type(page, "#duplicate-variant", "no-trigger-drain");
  await open(page, 1);
  await tab(page, "schedule");
  await pick(page, "#campaign-active", "false");
  await open(page, 2);
  await tab(page, "flow");
  await addStep(page, "remove_from_flow");
  await valid(page);
  const diff = await text(page, "#variant-differences");
  check(/no-trigger-drain compared with naive/.test(diff) && /added/.test(diff),
    `the builder shows what the variant changes (${diff})`);
  check((await page.inputValue("#edit-variant")) === "no-trigger-drain", "the copy is the variant being edited");

  for (const f of ["builder-smart-list", "builder-smart-list-presentation", "builder-flow", "builder-flow-fixed", "builder-flow-presentation"]) {
    await copyFile(`${OUT}/${f}.png`, `docs/screenshots/${f}.png`);
  }
});
