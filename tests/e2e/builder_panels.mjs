// End-to-end look at the campaign builder's panels (the Build tab): a built-in with a CRM,
// owner assignment rules and a program (owner-alert-tactics) opened in the builder shows its
// programs with statuses and step numbers, the CRM's assignment rules, the knobs and the
// checks; a new choice step gets a second condition; deleting a list that two steps use shows
// both problems at once, each at its step. Screenshots at 1280×720 and in presentation mode
// go to target/e2e/ (builder-panels*.png, builder-choice*.png, builder-two-errors.png). The
// CRM's push time is set with the duration editor (kind, units, a knob; a wrong number shows
// its error at the field: builder-duration*.png), and the problems read in plain words.
import { harness, attr, text, shot } from "./lib.mjs";

const h = await harness("builder_panels");
const { BASE, check, figures } = h;

const type = async (page, sel, value) => {
  await page.fill(sel, value);
  await page.press(sel, "Enter");
};
const pick = (page, sel, value) => page.selectOption(sel, value);

await h.run(async () => {
  const browser = await h.launch();
  const page = await h.newPage(browser);

  h.step = "a built-in with a CRM and a program opens in the builder with its panels";
  await page.goto(BASE);
  await page.click("#card-owner-alert-tactics");
  await page.waitForSelector("#violations[data-trace-hash]");
  await page.click("#tab-build");
  await page.waitForSelector("#build-valid");
  check((await page.$("#program-1-status-1-step")) !== null, "programs show statuses with step numbers");
  check((await page.$("#crm-rule-1-owner")) !== null, "the CRM shows its owner assignment rules");
  check((await page.$("#knob-1-unit")) !== null, "knobs show their unit");
  const tokenLabel = await page.$eval("#knob-1-name", (i) => i.closest("label").textContent);
  check(/^Token/.test(tokenLabel) && !/\bId\b/.test(tokenLabel),
    `a knob's name for number fields reads as a token, not an id (${tokenLabel})`);
  // Normal mode: the knobs span the columns, one line per knob, and the columns above them
  // end close together (in one column the knobs made it far taller than the others).
  const columns = await page.evaluate(() => {
    const parts = document.querySelector(".builder-parts").getBoundingClientRect();
    const knobs = document.querySelector(".knobs-panel").getBoundingClientRect();
    const row = document.querySelector("#knob-1").getBoundingClientRect();
    const field = document.querySelector("#knob-1-label").getBoundingClientRect();
    const bottoms = {};
    let tallest = 0;
    for (const p of document.querySelectorAll(".builder-parts > .bpanel:not(.knobs-panel)")) {
      const r = p.getBoundingClientRect();
      const x = Math.round(r.left);
      bottoms[x] = Math.max(bottoms[x] ?? 0, r.bottom);
      tallest = Math.max(tallest, r.height);
    }
    const ends = Object.values(bottoms);
    return {
      count: ends.length, spread: Math.max(...ends) - Math.min(...ends), tallest,
      knobsWide: knobs.width / parts.width, rowLines: row.height / field.height,
      unitCut: unitTextCut(),
    };
    // Whether a knob's unit menu is narrower than the unit it shows (text, padding, arrow).
    function unitTextCut() {
      const cut = [];
      for (const s of document.querySelectorAll(".knobs-panel select[id$='-unit']")) {
        const style = getComputedStyle(s);
        const ctx = document.createElement("canvas").getContext("2d");
        ctx.font = style.font;
        const text = s.options[s.selectedIndex].text;
        const need = ctx.measureText(text).width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 20;
        if (need > s.clientWidth) cut.push(`${text}: ${Math.round(need)} > ${s.clientWidth} px`);
      }
      return cut;
    }
  });
  figures.builder_parts_columns = columns;
  check(columns.count === 3, `three columns at 1280×720 (${columns.count})`);
  check(columns.knobsWide > 0.95, `the knobs span the columns (${columns.knobsWide.toFixed(2)} of the width)`);
  check(columns.unitCut.length === 0, `every knob's unit shows in full (${columns.unitCut.join("; ")})`);
  check(columns.rowLines < 2.5, `a knob's fields sit on one line (${columns.rowLines.toFixed(1)} fields high)`);
  check(columns.spread <= columns.tallest,
    `the columns end within one panel of each other (${Math.round(columns.spread)} px apart, tallest panel ${Math.round(columns.tallest)} px)`);
  await page.locator("#build-programs-h").scrollIntoViewIfNeeded();
  await shot(page, "builder-panels-programs");
  await page.locator("#build-crm-h").scrollIntoViewIfNeeded();
  await shot(page, "builder-panels-crm");
  await page.locator("#build-knobs-h").scrollIntoViewIfNeeded();
  await shot(page, "builder-panels-knobs");
  await page.check("#presentation");
  await page.locator("#build-crm-h").scrollIntoViewIfNeeded();
  await shot(page, "builder-panels-crm-presentation");
  await page.locator("#build-knobs-h").scrollIntoViewIfNeeded();
  await shot(page, "builder-panels-knobs-presentation");
  await page.uncheck("#presentation");

  h.step = "the CRM's push time with the duration editor";
  check(!(await text(page, "#crm-push")).includes("{"), "the push time is not shown as JSON");
  await pick(page, "#crm-push-kind", "uniform");
  await page.waitForSelector("#crm-push-2-unit");
  await pick(page, "#crm-push-1-unit", "s");
  await type(page, "#crm-push-1", "2");
  await pick(page, "#crm-push-2-unit", "min");
  await type(page, "#crm-push-2", "1.5");
  await page.waitForFunction(() => document.querySelector("#crm-push-2").value === "90"
    && document.querySelector("#crm-push-2-unit").value === "s");
  check((await page.inputValue("#crm-push-1")) === "2", "between 2 s …");
  await type(page, "#crm-push-1", "soon");
  await page.waitForSelector("#crm-push-error");
  check((await text(page, "#crm-push-error")).includes("not a number"), "a wrong number is shown at its field");
  check((await page.$("#build-valid")) !== null, "the scenario is kept, still valid");
  const knob = await page.$eval("#crm-push-2-unit", (s) =>
    [...s.options].map((o) => o.value).find((v) => v.startsWith("knob:")));
  check(knob !== undefined, "the scenario's time knobs are offered");
  await pick(page, "#crm-push-2-unit", knob);
  await page.waitForFunction(() => !document.querySelector("#crm-push-2"));
  check((await page.$("#crm-push-error")) === null, "a good choice clears the error");
  await page.locator("#build-crm-h").scrollIntoViewIfNeeded();
  await shot(page, "builder-duration");
  await page.check("#presentation");
  await page.locator("#build-crm-h").scrollIntoViewIfNeeded();
  await shot(page, "builder-duration-presentation");
  await page.uncheck("#presentation");

  h.step = "a choice's second condition, and two problems at once";
  await pick(page, "#build-start", "blank");
  await type(page, "#add-list", "Queue");
  await page.waitForSelector("#list-1");
  await type(page, "#add-campaign", "Drain Queue (trigger)");
  await page.waitForSelector("#campaign-name");
  check((await text(page, "#open-campaign-1")) === "Drain Queue (trigger)", "the campaign's name is not followed by (trigger) twice");
  await page.click("#ctab-flow");
  await pick(page, "#add-step", "choice");
  await page.waitForSelector("#step-1-if-1-add-condition");
  await pick(page, "#step-1-if-1-add-condition", "member_of_list");
  await page.waitForSelector("#step-1-if-1-c2-list");
  await pick(page, "#step-1-if-1-logic", "any");
  await page.locator("#step-1").scrollIntoViewIfNeeded();
  await shot(page, "builder-choice");
  await page.check("#presentation");
  await page.locator("#step-1").scrollIntoViewIfNeeded();
  await shot(page, "builder-choice-presentation");
  await page.uncheck("#presentation");
  await pick(page, "#add-step", "add_to_list");
  await pick(page, "#add-step", "remove_from_list");
  await page.waitForSelector("#step-3-list");
  await page.click("#remove-list-1");
  await page.waitForSelector("#step-3-error");
  check((await page.$("#step-2-error")) !== null, "both steps show their problem");
  check((await attr(page, "#build-issue", "data-count")) === "3",
    `three problems listed: the choice's condition and both steps (${await text(page, "#build-issue")})`);
  const problems = await text(page, "#build-issue");
  check(!problems.includes("`") && !/[a-z]_[a-z]/.test(problems), `the problems are in plain words (${problems})`);
  check(problems.includes("Drain Queue (trigger), flow step 2: The step uses the list \u201cQueue\u201d, which does not exist."),
    `the problem names its step and the list in Marketo's words (${problems})`);
  await page.locator("#step-2").scrollIntoViewIfNeeded();
  await shot(page, "builder-two-errors");
  await page.click("#build-undo");
  await page.waitForSelector("#list-1");
  check((await page.$("#step-2-error")) === null, "undo brings the list back and the problems go");
});
