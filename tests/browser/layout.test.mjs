// Where the text is, on /review in headless Chromium: a memo's segments are listed with
// their times and a click plays the audio from the segment's start; a screenshot's
// word boxes are outlined over the image. The rows are completed over the job API with
// the layout a worker sends.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHost, api, launchBrowser, waitInPage } from "./harness.mjs";

const ADMIN = "layout-admin";
const WORKER = "layout-worker";
let host, browser;

before(async () => {
  host = await startHost({
    SPIN_VARIABLE_ADMIN_TOKEN: ADMIN, SPIN_VARIABLE_WORKER_TOKEN: WORKER, SPIN_VARIABLE_REVIEW_VOTES_REQUIRED: "1",
  });
  browser = await launchBrowser(["--autoplay-policy=no-user-gesture-required"]);
});

after(async () => {
  await browser?.close();
  host?.stop();
});

/** A 16 kHz mono 16-bit WAV of `seconds` of a quiet 440 Hz tone. */
function wav(seconds) {
  const n = 16000 * seconds;
  const out = Buffer.alloc(44 + n * 2);
  out.write("RIFF", 0); out.writeUInt32LE(36 + n * 2, 4); out.write("WAVEfmt ", 8);
  out.writeUInt32LE(16, 16); out.writeUInt16LE(1, 20); out.writeUInt16LE(1, 22);
  out.writeUInt32LE(16000, 24); out.writeUInt32LE(32000, 28); out.writeUInt16LE(2, 32); out.writeUInt16LE(16, 34);
  out.write("data", 36); out.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) out.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / 16000)), 44 + 2 * i);
  return out;
}

/** Claims the next job of `kind` and completes it with `found`. */
async function complete(kind, found) {
  const job = (await api(host.base, "POST", "/api/jobs/claim", WORKER, { worker_id: "t", kinds: [kind], lease_seconds: 60 })).body;
  const done = await api(host.base, "POST", `/api/jobs/${job.id}/complete`, WORKER, { lease_token: job.lease_token, ...found });
  assert.equal(done.status, 200, JSON.stringify(done.body));
}

test("/review plays a memo from a segment and outlines a screenshot's words", { timeout: 90000 }, async () => {
  const ada = (await api(host.base, "POST", "/api/users", ADMIN, { name: "Ada" })).body.token;
  const rita = (await api(host.base, "POST", "/api/users", ADMIN, { name: "Rita", role: "reviewer" })).body.token;
  const memo = await api(host.base, "POST", "/api/unified-input", ada, { modality: "voice", data: wav(3).toString("base64") });
  assert.equal(memo.status, 201);
  await complete("transcribe", {
    text: "one two three four five six", engine: "whisper.cpp", model: "tiny.en", confidence: 0.9,
    language: "en", audio_ms: 3000,
    segments: [
      { start_ms: 0, end_ms: 1200, text: "one two three", probability: 0.9, no_speech: 0.01 },
      { start_ms: 1200, end_ms: 2500, text: "four five six", probability: 0.9, no_speech: 0.01 },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), "tds-layout-"));
  const png = join(dir, "hi.png");
  execFileSync("/usr/bin/convert", ["-size", "300x80", "xc:white", "-font", "DejaVu-Sans", "-pointsize", "30",
    "-fill", "black", "-annotate", "+20+50", "Hello there", png]);
  const shot = await api(host.base, "POST", "/api/unified-input", ada, { modality: "screenshot", data: readFileSync(png).toString("base64") });
  assert.equal(shot.status, 201);
  await complete("ocr", {
    text: "Hello there", engine: "tesseract", model: "tesseract-eng", confidence: 0.95,
    boxes: [
      { x: 20, y: 26, w: 85, h: 30, text: "Hello", confidence: 0.96, line: 0 },
      { x: 115, y: 26, w: 80, h: 30, text: "there", confidence: 0.95, line: 0 },
    ],
    lines: [{ x: 20, y: 26, w: 175, h: 30, text: "Hello there" }],
  });

  const page = await browser.newPage();
  page.jsErrors = [];
  page.on("pageerror", (e) => page.jsErrors.push(String(e)));
  await page.addInitScript((t) => localStorage.setItem("tds-token", t), rita);
  await page.goto(`${host.base}/review`);
  await page.locator(`#item-id:text("#${memo.body.id}")`).waitFor({ timeout: 30000 });
  const segments = page.locator("#item-media .segments button");
  assert.equal(await segments.count(), 2);
  assert.match(await segments.nth(1).innerText(), /0:01\.2–0:02\.5\s*four five six/);
  await waitInPage(page, () => document.querySelector("#item-media audio")?.readyState >= 1, null, 30000);
  await segments.nth(1).click();
  await waitInPage(page, () => document.querySelector("#item-media audio").currentTime >= 1.2, null, 30000)
    .catch(async () => assert.fail(`the audio is at ${await page.evaluate(() => document.querySelector("#item-media audio").currentTime)} s`));

  await page.click("#accept");
  await page.locator(`#item-id:text("#${shot.body.id}")`).waitFor({ timeout: 30000 });
  await waitInPage(page, () => document.querySelectorAll("#item-media .word-box").length === 2, null, 30000);
  // Each box sits where the word is, in percent of the image (so it follows its size).
  const placed = await page.evaluate(() => [...document.querySelectorAll("#item-media .word-box")]
    .map((b) => [b.title, parseFloat(b.style.left), parseFloat(b.style.width)]));
  const expected = [["Hello", (100 * 20) / 300, (100 * 85) / 300], ["there", (100 * 115) / 300, (100 * 80) / 300]];
  for (const [i, [word, left, width]] of expected.entries()) {
    assert.equal(placed[i][0], word);
    assert.ok(Math.abs(placed[i][1] - left) < 0.001 && Math.abs(placed[i][2] - width) < 0.001, JSON.stringify(placed));
  }
  assert.deepEqual(page.jsErrors, []);
  await page.close();
});
