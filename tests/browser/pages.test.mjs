// The contributor's pages in headless Chromium against the real app and a real worker:
// the index (token bar, links, lore form), the voice recorder (fake microphone fed by
// espeak-ng, WAV checked byte by byte, Whisper transcript), the screenshot upload
// (file, paste, OCR) and the drawing canvas (pointer strokes, undo/clear, shape).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHost, api, launchBrowser, docsPath, startWorker, waitInPage, drawCircle } from "./harness.mjs";

const ADMIN = "pages-admin";
const WORKER = "pages-worker";
const SENTENCE = "Please send the quarterly report to the finance team before Friday afternoon.";

let host, browser, token, me, dir, speechWav, invoicePng, pastePng, worker;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "tds-pages-"));
  speechWav = join(dir, "speech.wav");
  execFileSync("espeak-ng", ["-v", "en-us+m3", "-s", "140", "-g", "3", "-w", speechWav, SENTENCE]);
  invoicePng = join(dir, "invoice.png");
  execFileSync("/usr/bin/convert", ["-size", "900x220", "xc:white", "-font", "DejaVu-Sans", "-pointsize", "36",
    "-fill", "black", "-annotate", "+30+80", "Invoice 4521 paid in full", invoicePng]);
  pastePng = join(dir, "paste.png");
  execFileSync("/usr/bin/convert", ["-size", "320x120", "xc:#ffc6e5", "-font", "DejaVu-Sans", "-pointsize", "28",
    "-fill", "black", "-annotate", "+20+70", "pasted image", pastePng]);

  host = await startHost({ SPIN_VARIABLE_ADMIN_TOKEN: ADMIN, SPIN_VARIABLE_WORKER_TOKEN: WORKER });
  const user = await api(host.base, "POST", "/api/users", ADMIN, { name: "Ada" });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  token = user.body.token;
  me = (await api(host.base, "GET", "/api/me", token)).body;
  browser = await launchBrowser([
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    `--use-file-for-fake-audio-capture=${speechWav}`,
  ]);
  await browser.grantPermissions(["microphone"], { origin: host.base });
});

after(async () => {
  worker?.stop();
  await browser?.close();
  host?.stop();
});

/** Starts the native worker once (Whisper + Tesseract); it runs until `after`. */
function ensureWorker() {
  if (!worker) worker = startWorker(host.base, WORKER, "pages-test");
}

/** A new page that already holds the token (as if pasted into the token bar). */
async function pageWithToken(path, viewport) {
  const page = await browser.newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.addInitScript((t) => localStorage.setItem("tds-token", t), token);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.jsErrors = errors;
  await page.goto(host.base + path);
  await page.locator("#token-bar[data-state=ok]").waitFor({ timeout: 10000 });
  return page;
}

/** Parses a RIFF/WAVE file: the fmt fields and the PCM samples. */
function parseWav(buf) {
  assert.equal(buf.toString("ascii", 0, 4), "RIFF");
  assert.equal(buf.readUInt32LE(4), buf.length - 8, "RIFF size");
  assert.equal(buf.toString("ascii", 8, 12), "WAVE");
  let offset = 12;
  let fmt = null;
  let data = null;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      fmt = {
        audioFormat: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4),
        byteRate: buf.readUInt32LE(body + 8), blockAlign: buf.readUInt16LE(body + 12), bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === "data") {
      data = buf.subarray(body, body + size);
    }
    offset = body + size + (size % 2);
  }
  assert.ok(fmt, "fmt chunk");
  assert.ok(data, "data chunk");
  return { ...fmt, dataOffset: data.byteOffset - buf.byteOffset, data };
}

/**
 * Records on /submit with the fake microphone until the page's own clock shows `seconds`
 * (a condition with a deadline, not a wall-clock wait) and sends it; resolves to the row id.
 */
async function recordAndSend(page, seconds) {
  await page.click("#record");
  await page.locator("body[data-recorder=recording]").waitFor({ timeout: 10000 });
  assert.equal(await page.locator("#stop").isEnabled(), true);
  let loudest = 0;
  let shown = "";
  const deadline = Date.now() + 30000 + seconds * 1000;
  for (;;) {
    loudest = Math.max(loudest, Number(await page.locator("#level").getAttribute("aria-valuenow")));
    shown = await page.locator("#duration").innerText();
    assert.match(shown, /^\d\d:\d\d$/, `duration while recording: ${shown}`);
    const [m, s] = shown.split(":").map(Number);
    if (m * 60 + s >= seconds) break;
    assert.ok(Date.now() < deadline, `the recording clock never reached ${seconds} s (shows ${shown})`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(loudest > 10, `the level meter moved (max ${loudest}%)`);
  await page.click("#stop");
  await page.locator("#result:not([hidden])").waitFor({ timeout: 20000 });
  assert.equal(await page.locator("#upload-progress").getAttribute("value"), "100");
  return Number(await page.locator("#result").getAttribute("data-id"));
}

test("index: the token bar, the links and the lore form", { timeout: 60000 }, async () => {
  const page = await browser.newPage();
  await page.goto(host.base + "/");
  assert.equal(await page.title(), "Training-data service");
  assert.equal(await page.locator("main").count(), 1);
  assert.match(await page.locator("#token-state").innerText(), /No token/);
  assert.match(await page.locator("main").innerText(), /no cookies/i);

  // A wrong token: refused with the server's problem detail, and not kept.
  await page.fill("#token-input", "not-a-real-token");
  await page.click("#token-save");
  await page.locator("#token-bar[data-state=refused]").waitFor({ timeout: 10000 });
  assert.match(await page.locator("#token-state").innerText(), /refused the saved token \(unknown or revoked token\)/);
  assert.equal(await page.inputValue("#token-input"), "");

  // The right one: saved in localStorage, the page greets the user, a reload keeps it.
  await page.fill("#token-input", token);
  await page.press("#token-input", "Enter");
  await page.locator("#token-bar[data-state=ok]").waitFor({ timeout: 10000 });
  assert.match(await page.locator("#token-state").innerText(), /Signed in as Ada/);
  assert.equal(await page.evaluate(() => localStorage.getItem("tds-token")), token);
  await page.reload();
  await page.locator("#token-bar[data-state=ok]").waitFor({ timeout: 10000 });
  assert.equal(await page.inputValue("#token-input"), token);

  // Every link to a contributor page answers with that page.
  for (const [path, title] of [["/submit", "Record a voice memo"], ["/screenshot", "Upload a screenshot"], ["/draw", "Draw"]]) {
    assert.ok(await page.locator(`.tiles a[href="${path}"]`).count() === 1, `tile to ${path}`);
    await page.click(`.site-nav a[href="${path}"]`);
    await page.waitForURL(host.base + path);
    assert.equal(await page.title(), title);
    assert.equal(await page.locator(`.site-nav a[aria-current=page]`).getAttribute("href"), path);
    await page.click(".brand");
    await page.waitForURL(host.base + "/");
  }

  // The colour picker and the text field stay in step; the lore appears with a profile link.
  await page.fill("#lore-color", "#7B2FF7");
  assert.equal(await page.inputValue("#lore-picker"), "#7b2ff7");
  await page.click("#lore-submit");
  const result = page.locator("#lore-result");
  await result.waitFor({ state: "visible", timeout: 20000 });
  const archetype = await page.locator("#lore-archetype").innerText();
  assert.ok(archetype.trim().length > 0, "an archetype is shown");
  assert.ok(await page.locator("#lore-powers li").count() > 0, "powers are listed");
  assert.equal(await page.locator("#lore-profile").getAttribute("href"), `/u/${me.id}`);
  assert.equal(await page.locator("#lore-error").isHidden(), true);
  await page.screenshot({ path: docsPath("index-page.png"), fullPage: true });
  await page.close();
});

test("/u/{id}: the public profile is styled by the user's own theme", { timeout: 60000 }, async () => {
  const made = await api(host.base, "POST", "/api/lore", token, { color: "#2e8b57" });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const page = await browser.newPage();
  const css = await page.request.get(`${host.base}/u/${me.id}/theme.css`);
  assert.equal(css.status(), 200);
  const bg = /--bg:\s*(#[0-9a-f]{6})/i.exec(await css.text())[1];
  await page.goto(`${host.base}/u/${me.id}`);
  assert.equal(await page.locator("h1").innerText(), made.body.archetype);
  assert.equal(await page.locator("section li").count() >= made.body.powers.length + made.body.weaknesses.length, true);
  // The theme's background and text colours are the ones the page renders with.
  const hex = (rgb) => "#" + rgb.match(/\d+/g).slice(0, 3).map((n) => Number(n).toString(16).padStart(2, "0")).join("");
  const body = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(hex(body), bg.toLowerCase());
  assert.ok(!(await page.content()).includes("Ada"), "no name or content on the public page");
  await page.screenshot({ path: docsPath("profile-page.png"), fullPage: true });
  await page.close();
});

test("all pages: keyboard focus is visible and nothing overflows at 375 px", { timeout: 60000 }, async () => {
  const page = await pageWithToken("/submit");
  let id = "";
  for (let i = 0; i < 30 && id !== "record"; i++) {
    await page.keyboard.press("Tab");
    id = await page.evaluate(() => document.activeElement && document.activeElement.id);
  }
  assert.equal(id, "record", "Tab reaches the Record button");
  const outline = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { style: s.outlineStyle, width: s.outlineWidth };
  });
  assert.notEqual(outline.style, "none", "the focused Record button shows an outline");
  assert.notEqual(outline.width, "0px");
  await page.close();

  for (const path of ["/", "/write", "/submit", "/screenshot", "/draw", "/me", "/join"]) {
    const small = await pageWithToken(path, { width: 375, height: 800 });
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} overflows by ${overflow}px at 375px`);
    assert.deepEqual(small.jsErrors, [], `${path} script errors`);
    await small.close();
  }
});

test("/submit records a valid 16-bit PCM mono WAV and shows a failed extraction's error", { timeout: 90000 }, async () => {
  const page = await pageWithToken("/submit");
  const id = await recordAndSend(page, 4);
  assert.ok(id > 0);
  assert.match(await page.locator("#result-status").innerText(), /pending|processing/);
  await page.locator("#proof-qr[src^='blob:']").waitFor({ timeout: 10000 });
  assert.match(await page.locator("#proof-upc-number").innerText(), /^\d{12}$/);

  // Take the job as a worker would and read the stored bytes.
  const claim = await api(host.base, "POST", "/api/jobs/claim", WORKER, { worker_id: "t", kinds: ["transcribe"], lease_seconds: 60 });
  assert.equal(claim.status, 200, JSON.stringify(claim.body));
  assert.equal(claim.body.contribution_id, id);
  assert.equal(claim.body.mime, "audio/wav");
  const input = await fetch(`${host.base}/api/jobs/${claim.body.id}/input`, { headers: { authorization: `Bearer ${WORKER}` } });
  assert.equal(input.status, 200);
  const wav = parseWav(Buffer.from(await input.arrayBuffer()));
  assert.equal(wav.dataOffset, 44, "canonical 44-byte header");
  assert.equal(wav.audioFormat, 1, "PCM");
  assert.equal(wav.channels, 1, "mono");
  assert.equal(wav.bitsPerSample, 16);
  assert.equal(wav.blockAlign, 2);
  assert.equal(wav.byteRate, wav.sampleRate * 2);
  assert.ok(wav.sampleRate >= 8000 && wav.sampleRate <= 96000, `rate ${wav.sampleRate}`);
  assert.ok(wav.data.length > wav.sampleRate * 2 * 3, `at least 3 s of audio: ${wav.data.length} bytes at ${wav.sampleRate} Hz`);
  let peak = 0;
  let nonZero = 0;
  for (let i = 0; i + 1 < wav.data.length; i += 2) {
    const s = Math.abs(wav.data.readInt16LE(i));
    if (s > 0) nonZero++;
    peak = Math.max(peak, s);
  }
  assert.ok(nonZero > wav.data.length / 2 / 10, `samples are not silence (${nonZero} non-zero)`);
  assert.ok(peak > 1000, `speech is audible (peak ${peak})`);

  // The worker gives up: the page's poll shows the failure with the worker's error.
  const fail = await api(host.base, "POST", `/api/jobs/${claim.body.id}/fail`, WORKER,
    { lease_token: claim.body.lease_token, error: "test: the decoder gave up", retryable: false });
  assert.equal(fail.status, 200, JSON.stringify(fail.body));
  await page.locator("#result[data-status=failed]").waitFor({ timeout: 10000 });
  assert.match(await page.locator("#result-error").innerText(), /test: the decoder gave up/);
  assert.deepEqual(page.jsErrors, []);
  await page.close();
});

test("/submit: a real worker transcribes the memo and the page shows the transcript and proof", { timeout: 150000 }, async () => {
  ensureWorker();
  const page = await pageWithToken("/submit");
  const id = await recordAndSend(page, 7);
  try {
    await page.locator("#result[data-status=complete]").waitFor({ timeout: 90000 });
  } catch (e) {
    throw new Error(`no transcript in 90 s: ${await page.locator("#result").innerText()}\nworker log:\n${worker.log()}`);
  }
  const transcript = await page.locator("#result-text").innerText();
  assert.match(transcript, /quarterly|report|finance/i, `transcript: ${transcript}`);
  assert.match(await page.locator("#result-engine").innerText(), /whisper/i);
  assert.match(await page.locator("#status").innerText(), new RegExp(`#${id} is complete`));
  await page.locator("#proof-qr[src^='blob:']").waitFor({ timeout: 10000 });
  await page.locator("#proof-upc[src^='blob:']").waitFor({ timeout: 10000 });
  assert.ok(await page.evaluate(() => document.getElementById("proof-qr").naturalWidth > 0), "the QR SVG renders");
  assert.ok(await page.evaluate(() => document.getElementById("proof-upc").naturalWidth > 0), "the UPC SVG renders");
  assert.match(await page.locator("#proof-upc-number").innerText(), /^\d{12}$/);
  assert.equal((await page.locator("#proof-bip39").innerText()).trim().split(/\s+/).length, 24);
  assert.match(await page.locator("#proof-eip55").innerText(), /^0x[0-9a-fA-F]{40}$/);
  assert.equal(await page.locator("#playback").isVisible(), true);
  assert.equal(await page.locator("#record").isEnabled(), true);
  assert.deepEqual(page.jsErrors, []);
  await page.screenshot({ path: docsPath("submit-page.png"), fullPage: true });
  await page.close();
});

test("/screenshot: paste and pick an image, upload it, and read the OCR text", { timeout: 120000 }, async () => {
  ensureWorker();
  const page = await pageWithToken("/screenshot");
  assert.equal(await page.locator("#upload").isDisabled(), true);

  // A synthetic paste of a PNG file updates the preview.
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], "image.png", { type: "image/png" }));
    document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
  }, readFileSync(pastePng).toString("base64"));
  await page.locator("#drop[data-source=pasted]").waitFor({ timeout: 5000 });
  await waitInPage(page, () => document.getElementById("preview").naturalWidth === 320);
  assert.equal(await page.locator("#upload").isEnabled(), true);

  // A file of the wrong type is refused before any upload.
  await page.setInputFiles("#file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
  assert.match(await page.locator("#status").innerText(), /PNG, JPEG or WebP/);

  // The chosen file replaces the pasted one, then goes up and comes back read.
  await page.setInputFiles("#file", invoicePng);
  await page.locator("#drop[data-source=chosen]").waitFor({ timeout: 5000 });
  await waitInPage(page, () => document.getElementById("preview").naturalWidth === 900);
  assert.match(await page.locator("#file-info").innerText(), /invoice\.png · image\/png/);
  await page.click("#upload");
  try {
    await page.locator("#result[data-status=complete]").waitFor({ timeout: 90000 });
  } catch (e) {
    throw new Error(`no OCR text in 90 s: ${await page.locator("#result").innerText()}\nworker log:\n${worker.log()}`);
  }
  assert.equal(await page.locator("#upload-progress").getAttribute("value"), "100");
  assert.match(await page.locator("#result-text").innerText(), /Invoice 4521 paid in full/);
  // The words OCR found are outlined on the preview, each over its own word.
  await waitInPage(page, () => document.querySelectorAll("#drop .word-box").length >= 5, null, 30000);
  const titles = await page.locator("#drop .word-box").evaluateAll((boxes) => boxes.map((b) => b.title));
  assert.deepEqual(titles.slice(0, 5), ["Invoice", "4521", "paid", "in", "full"]);
  await page.locator("#proof-qr[src^='blob:']").waitFor({ timeout: 10000 });
  await page.locator("#proof-upc[src^='blob:']").waitFor({ timeout: 10000 });
  assert.deepEqual(page.jsErrors, []);
  await page.screenshot({ path: docsPath("screenshot-page.png"), fullPage: true });
  await page.close();
});

async function dataUrlIsBlank(page) {
  return page.evaluate(() => {
    const c = document.getElementById("pad");
    const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < px.length; i++) if (px[i] !== 255) return false;
    return true;
  });
}

test("/draw: pointer strokes, undo and clear, shape check and submit", { timeout: 120000 }, async () => {
  ensureWorker();
  const page = await pageWithToken("/draw");
  assert.equal(await dataUrlIsBlank(page), true, "the canvas starts white");
  assert.equal(await page.locator("#pad").evaluate((c) => getComputedStyle(c).touchAction), "none");

  await drawCircle(page, 320, 200, 120);
  assert.equal(await page.locator("#pad").getAttribute("data-strokes"), "1");
  assert.equal(await dataUrlIsBlank(page), false, "the stroke is drawn");
  await page.click("#undo");
  assert.equal(await page.locator("#pad").getAttribute("data-strokes"), "0");
  assert.equal(await dataUrlIsBlank(page), true, "undo removes the stroke");
  assert.equal(await page.locator("#submit-drawing").isDisabled(), true);

  await drawCircle(page, 200, 150, 60);
  await drawCircle(page, 420, 250, 60);
  assert.equal(await page.locator("#stroke-count").innerText(), "2 strokes");
  await page.click("#clear");
  assert.equal(await page.locator("#pad").getAttribute("data-strokes"), "0");
  assert.equal(await dataUrlIsBlank(page), true, "clear empties the canvas");

  await drawCircle(page, 320, 200, 130);
  await page.selectOption("#expected-shape", "triangle");
  await page.click("#check-shape");
  await page.locator("#check-result[data-match]").waitFor({ timeout: 10000 });
  assert.equal(await page.locator("#check-result").getAttribute("data-match"), "no", await page.locator("#check-result").innerText());
  await page.selectOption("#expected-shape", "circle");
  await page.click("#check-shape");
  await page.locator("#check-result[data-match=yes]").waitFor({ timeout: 10000 })
    .catch(async () => assert.fail(`circle check: ${await page.locator("#check-result").innerText()}`));
  assert.match(await page.locator("#check-result").innerText(), /Match: yes/);

  await page.click("#submit-drawing");
  await page.locator("#shape[data-shape]").waitFor({ timeout: 20000 })
    .catch(async () => assert.fail(`no shape shown: ${await page.locator("#shape").innerText()} / ${await page.locator("#status").innerText()}`));
  assert.equal(await page.locator("#shape").getAttribute("data-shape"), "circle");
  const id = Number(await page.locator("#result").getAttribute("data-id"));
  const row = (await api(host.base, "GET", `/api/training-data/${id}`, token)).body;
  assert.equal(row.modality, "drawing");
  assert.equal(row.mime, "image/png");
  assert.equal(row.strokes.length, 1, "one stroke stored");
  assert.ok(row.strokes[0].length >= 30, `${row.strokes[0].length} points`);
  for (const p of row.strokes[0]) {
    assert.equal(p.length, 3, "points are [x, y, t]");
    assert.ok(p[0] >= 0 && p[0] <= 640 && p[1] >= 0 && p[1] <= 400 && p[2] >= 0);
  }
  assert.ok(row.strokes[0].at(-1)[2] >= row.strokes[0][0][2], "t grows");
  await page.locator("#result[data-status=complete], #result[data-status=failed]").waitFor({ timeout: 90000 })
    .catch(async () => assert.fail(`the drawing's OCR did not finish: ${await page.locator("#result").innerText()}\n${worker.log()}`));
  assert.equal(await page.locator("#shape").getAttribute("data-shape"), "circle", "the shape stays shown");
  assert.match(await page.locator("#shape").innerText(), /^circle \(\d+%\)$/);
  assert.deepEqual(page.jsErrors, []);
  await page.screenshot({ path: docsPath("draw-page.png"), fullPage: true });
  await page.close();
});
