// People in the loop in headless Chromium against the real app and a real worker: a
// contributor fixes Whisper's transcript of a spoken sentence on /me (and opts a row
// out, deletes one after confirming, downloads the zip); a reviewer goes through
// /review with the keyboard only (accept, skip, reject, edit + Ctrl+Enter). The export
// then carries the human text with text_source, and the machine original is still the
// first version in the row's history.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHost, api, launchBrowser, docsPath, startWorker, waitInPage } from "./harness.mjs";

const ADMIN = "review-admin";
const WORKER = "review-worker";
const SENTENCE = "The library opens at nine on Saturday mornings.";

let host, browser, worker, ada, grace, reviewer, voiceId, keepOut, doomed, graceRows;
// What the contributor types: the sentence as spoken (or, should Whisper have heard it
// exactly, the sentence with a note, so that there is always something to fix).
let fixed;

async function user(name, role) {
  const r = await api(host.base, "POST", "/api/users", ADMIN, { name, role });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.token;
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "tds-review-"));
  const wav = join(dir, "speech.wav");
  execFileSync("espeak-ng", ["-v", "en-us+m3", "-s", "140", "-g", "3", "-w", wav, SENTENCE]);
  host = await startHost({ SPIN_VARIABLE_ADMIN_TOKEN: ADMIN, SPIN_VARIABLE_WORKER_TOKEN: WORKER, SPIN_VARIABLE_REVIEW_VOTES_REQUIRED: "1" });
  ada = await user("Ada", "contributor");
  grace = await user("Grace", "contributor");
  reviewer = await user("Rita", "reviewer");
  const data = readFileSync(wav).toString("base64");
  const voice = await api(host.base, "POST", "/api/unified-input", ada, { modality: "voice", data });
  assert.equal(voice.status, 201, JSON.stringify(voice.body));
  voiceId = voice.body.id;
  worker = startWorker(host.base, WORKER, "review-test");
  for (let i = 0; ; i++) {
    const row = (await api(host.base, "GET", `/api/training-data/${voiceId}`, ada)).body;
    if (row.status === "complete") break;
    assert.ok(i < 180 && row.status !== "failed", `no transcript: ${JSON.stringify(row)}\n${worker.log()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const text = async (token, t) => (await api(host.base, "POST", "/api/unified-input", token, { modality: "text", text: t })).body.id;
  keepOut = await text(ada, "A note Ada keeps out of training.");
  doomed = await text(ada, "A note Ada deletes.");
  graceRows = [await text(grace, "Grace's first note."), await text(grace, "Grace's second note.")];
  browser = await launchBrowser();
});

after(async () => {
  worker?.stop();
  await browser?.close();
  host?.stop();
});

async function pageAs(token, path) {
  const page = await browser.newPage();
  await page.addInitScript((t) => localStorage.setItem("tds-token", t), token);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.jsErrors = errors;
  await page.goto(host.base + path);
  await page.locator("#token-bar[data-state=ok]").waitFor({ timeout: 10000 });
  return page;
}

test("/me: the contributor fixes the transcript, opts a row out, deletes one and downloads the zip", { timeout: 60000 }, async () => {
  const page = await pageAs(ada, "/me");
  const voice = page.locator(`li[data-id="${voiceId}"]`);
  await voice.waitFor({ timeout: 10000 });
  // Newest first: the two notes, then the voice memo.
  const order = await page.locator("#rows > li").evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
  assert.deepEqual(order, [doomed, keepOut, voiceId]);
  // The memo plays from a blob: URL fetched with the token.
  await waitInPage(page, (id) => {
    const a = document.querySelector(`li[data-id="${id}"] audio`);
    return a && a.src.startsWith("blob:") && a.readyState >= 1 && a.duration > 1;
  }, voiceId);
  const machine = await voice.locator("textarea").inputValue();
  assert.ok(machine.length > 10, `machine transcript: ${machine}`);
  assert.match(await voice.locator(".provenance").innerText(), /written by the machine, version 1/);

  fixed = machine === SENTENCE ? `${SENTENCE} (checked)` : SENTENCE;
  await voice.locator("textarea").fill(fixed);
  await voice.locator("button.save").click();
  await voice.locator(".row-status", { hasText: "Saved as version 2" }).waitFor({ timeout: 10000 });
  assert.match(await voice.locator(".provenance").innerText(), /corrected by a person, version 2/);

  const out = page.locator(`li[data-id="${keepOut}"]`);
  await out.locator("input[type=checkbox]").uncheck();
  await out.locator(".row-status", { hasText: "Left out of training" }).waitFor({ timeout: 10000 });

  const gone = page.locator(`li[data-id="${doomed}"]`);
  await gone.locator("button.delete").click();
  await gone.locator(".confirm").waitFor();
  await gone.locator("button.confirm-no").click();
  assert.equal(await gone.locator(".confirm").isHidden(), true);
  await gone.locator("button.delete").click();
  await gone.locator("button.confirm-yes").click();
  await gone.waitFor({ state: "detached", timeout: 10000 });

  // The filter shows one modality.
  await page.selectOption("#filter-modality", "voice");
  await page.locator("#rows > li").first().waitFor();
  assert.equal(await page.locator("#rows > li").count(), 1);
  await page.selectOption("#filter-modality", "");
  await page.locator(`li[data-id="${keepOut}"]`).waitFor({ timeout: 10000 });
  await page.screenshot({ path: docsPath("me.png"), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  assert.match(download.suggestedFilename(), /^my-data-\d{4}-\d{2}-\d{2}\.zip$/);
  const zip = readFileSync(await download.path());
  assert.equal(zip.subarray(0, 4).toString("hex"), "504b0304");
  assert.ok(zip.includes(Buffer.from(fixed)), "the zip holds the corrected text");

  // What the page did is what the API says.
  assert.equal((await api(host.base, "GET", `/api/training-data/${doomed}`, ada)).status, 404);
  assert.equal((await api(host.base, "GET", `/api/training-data/${keepOut}`, ada)).body.included_in_training, false);
  assert.deepEqual(page.jsErrors, []);
});

test("/review: a reviewer accepts, skips, rejects and corrects with the keyboard", { timeout: 60000 }, async () => {
  const page = await pageAs(reviewer, "/review");
  const id = page.locator("#item-id");
  await page.locator("#item").waitFor({ timeout: 10000 });
  // The oldest waiting row first: Ada's corrected memo, with its audio.
  assert.equal(await id.innerText(), `#${voiceId}`);
  assert.equal(await page.locator("#item-text").inputValue(), fixed);
  assert.equal(await page.locator("#remaining-count").innerText(), "3");
  await waitInPage(page, () => {
    const a = document.querySelector("#item-media audio");
    return a && a.src.startsWith("blob:") && a.readyState >= 1;
  });
  for (const key of ["A", "R", "E", "S"]) {
    assert.ok((await page.locator(`button[aria-keyshortcuts="${key}"]`).innerText()).startsWith(key));
  }
  await page.screenshot({ path: docsPath("review.png"), fullPage: true });

  const shows = (rowId) => page.locator("#item-id", { hasText: new RegExp(`^#${rowId}$`) }).waitFor({ timeout: 10000 });
  await page.keyboard.press("a");
  await shows(graceRows[0]);
  assert.equal(await page.locator("#reviewed-count").innerText(), "1");
  assert.equal(await page.locator("#remaining-count").innerText(), "2");
  await page.keyboard.press("s");
  await shows(graceRows[1]);
  await page.keyboard.press("r");
  // After the last row the queue wraps round to the skipped one.
  await shows(graceRows[0]);
  await page.keyboard.press("e");
  assert.equal(await page.evaluate(() => document.activeElement.id), "item-text");
  await page.keyboard.type(" Checked.");
  await page.keyboard.press("Control+Enter");
  await page.locator("#review-empty").waitFor({ timeout: 10000 });
  assert.equal(await page.locator("#reviewed-count").innerText(), "3");
  assert.equal(await page.locator("#remaining-count").innerText(), "0");
  assert.deepEqual(page.jsErrors, []);

  // The export carries the human text; the machine original stays in the history.
  const r = await fetch(`${host.base}/api/training-data/export?format=jsonl&reviewed=accepted`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const lines = (await r.text()).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), [voiceId, graceRows[0]]);
  assert.equal(lines[0].text, fixed);
  assert.equal(lines[0].text_source, "human");
  assert.equal(lines[1].text, "Grace's first note. Checked.");
  const history = (await api(host.base, "GET", `/api/training-data/${voiceId}/versions`, ada)).body.versions;
  assert.equal(history[0].source, "machine");
  assert.match(history[0].engine, /whisper/);
  assert.notEqual(history[0].text, fixed);
  assert.equal(history.at(-1).text, fixed);
  const rejected = (await api(host.base, "GET", `/api/training-data/${graceRows[1]}`, grace)).body;
  assert.equal(rejected.review_state, "rejected");
});
