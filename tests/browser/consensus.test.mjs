// Several reviewers per row, in headless Chromium: with two votes required, a first
// reviewer corrects and accepts on /review (the row waits for another), a second sees
// the original text, not the first one's correction, and accepts a different text (the
// row goes to adjudication); an adjudicator sees both proposals side by side on
// /adjudicate and picks one, which becomes the row's text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost, api, launchBrowser, docsPath, waitInPage } from "./harness.mjs";

const ADMIN = "consensus-admin";
let host, browser;

before(async () => {
  host = await startHost({ SPIN_VARIABLE_ADMIN_TOKEN: ADMIN, SPIN_VARIABLE_REVIEW_VOTES_REQUIRED: "2" });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  host?.stop();
});

async function user(name, role) {
  return (await api(host.base, "POST", "/api/users", ADMIN, { name, role })).body.token;
}

/** A page at `path` holding `token`, as if pasted into the token bar. */
async function pageHolding(token, path) {
  const page = await browser.newPage();
  page.jsErrors = [];
  page.on("pageerror", (e) => page.jsErrors.push(String(e)));
  await page.addInitScript((t) => localStorage.setItem("tds-token", t), token);
  await page.goto(`${host.base}${path}`);
  return page;
}

async function statusSays(page, id, pattern) {
  await waitInPage(page, ([id, source]) => new RegExp(source).test(document.getElementById(id).textContent),
    [id, pattern.source], 30000)
    .catch(async () => assert.fail(`#${id}: ${await page.textContent("#" + id)}`));
}

/** One reviewer's turn on /review: sees the row, replaces its text, accepts. */
async function reviewAs(token, expectText, corrected, expectCast) {
  const page = await pageHolding(token, "/review");
  await page.locator("#item:not([hidden])").waitFor({ timeout: 30000 });
  assert.equal(await page.inputValue("#item-text"), expectText, "the text as contributed, never another's correction");
  assert.match(await page.textContent("#item-decisions"), new RegExp(`^${expectCast} of the 2 decisions`));
  await page.fill("#item-text", corrected);
  await page.click("#accept");
  await statusSays(page, "review-status", /Accepted \(/);
  const said = await page.textContent("#review-status");
  assert.deepEqual(page.jsErrors, []);
  await page.close();
  return said;
}

test("two reviewers disagree on /review and an adjudicator settles it on /adjudicate", { timeout: 120000 }, async () => {
  const ada = await user("Ada", "contributor");
  const rita = await user("Rita", "reviewer");
  const sam = await user("Sam", "reviewer");
  const judy = await user("Judy", "adjudicator");
  const row = (await api(host.base, "POST", "/api/unified-input", ada, { modality: "text", text: "teh cat sat" })).body;

  assert.match(await reviewAs(rita, "teh cat sat", "the cat sat", 0), /waits for more reviewers/);
  assert.match(await reviewAs(sam, "teh cat sat", "the hat sat", 1), /an adjudicator decides/);
  assert.equal((await api(host.base, "GET", `/api/training-data/${row.id}`, ada)).body.review_state, "adjudication");

  const page = await pageHolding(judy, "/adjudicate");
  const card = page.locator(`#disputes li[data-id="${row.id}"]`);
  await card.waitFor({ timeout: 30000 });
  const proposals = await card.locator(".proposals blockquote").allTextContents();
  assert.deepEqual(proposals, ["the cat sat", "the hat sat"]);
  await page.screenshot({ path: docsPath("adjudicate-page.png"), fullPage: true });
  await card.locator(".proposals li", { hasText: "the cat sat" }).locator("button.use").click();
  await statusSays(page, "adjudicate-status", new RegExp(`#${row.id} is now accepted`));
  await waitInPage(page, () => document.querySelectorAll("#disputes li").length === 0, null, 30000);
  assert.deepEqual(page.jsErrors, []);
  await page.close();

  const settled = (await api(host.base, "GET", `/api/training-data/${row.id}`, ada)).body;
  assert.deepEqual([settled.review_state, settled.extracted_text, settled.review_votes], ["accepted", "the cat sat", 2]);
});
