// Personal data in headless Chromium: on /review a reviewer meets the row with findings
// first, sees each one marked in the text and outlined over the image, dismisses a
// false positive and marks what the detector missed; on /me the contributor sees what
// was found and switches their screenshot to the redacted copy others get, whose
// finding box is filled. The screenshot's text comes over the job API with the boxes a
// worker sends.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHost, api, launchBrowser, waitInPage, docsPath } from "./harness.mjs";

const ADMIN = "pii-admin";
const WORKER = "pii-worker";
let host, browser;

before(async () => {
  host = await startHost({ SPIN_VARIABLE_ADMIN_TOKEN: ADMIN, SPIN_VARIABLE_WORKER_TOKEN: WORKER });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  host?.stop();
});

async function pageHolding(token, path) {
  const page = await browser.newPage();
  page.jsErrors = [];
  page.on("pageerror", (e) => page.jsErrors.push(String(e)));
  await page.addInitScript((t) => localStorage.setItem("tds-token", t), token);
  await page.goto(host.base + path);
  return page;
}

test("reviewers dismiss and add findings; owners see them and the redacted image", { timeout: 120000 }, async () => {
  const ada = (await api(host.base, "POST", "/api/users", ADMIN, { name: "Ada" })).body.token;
  const rita = (await api(host.base, "POST", "/api/users", ADMIN, { name: "Rita", role: "reviewer" })).body.token;
  const text = "Mail ada.l@example.org or call 415-555-2671 before Friday, ask for Bob.";
  const row = await api(host.base, "POST", "/api/unified-input", ada, { modality: "text", text });
  assert.equal(row.status, 201);
  const dir = mkdtempSync(join(tmpdir(), "tds-pii-"));
  const png = join(dir, "mail.png");
  execFileSync("/usr/bin/convert", ["-size", "420x80", "xc:white", "-font", "DejaVu-Sans", "-pointsize", "28",
    "-fill", "black", "-annotate", "+20+50", "Mail bob@example.net", png]);
  const shot = await api(host.base, "POST", "/api/unified-input", ada, { modality: "screenshot", data: readFileSync(png).toString("base64") });
  const job = (await api(host.base, "POST", "/api/jobs/claim", WORKER, { worker_id: "t", kinds: ["ocr"], lease_seconds: 60 })).body;
  // Where Tesseract finds the words in this image.
  const box = { x: 89, y: 28, w: 253, h: 28 };
  const done = await api(host.base, "POST", `/api/jobs/${job.id}/complete`, WORKER, {
    lease_token: job.lease_token, text: "Mail bob@example.net", engine: "tesseract", confidence: 0.95,
    boxes: [{ x: 23, y: 28, w: 51, h: 22, text: "Mail", line: 0 }, { ...box, text: "bob@example.net", line: 0 }],
    lines: [{ x: 23, y: 28, w: 319, h: 28, text: "Mail bob@example.net" }],
  });
  assert.equal(done.status, 200, JSON.stringify(done.body));

  // The reviewer: both findings marked in the text and listed.
  const page = await pageHolding(rita, "/review");
  await page.locator(`#item-id:text("#${row.body.id}")`).waitFor({ timeout: 30000 });
  await waitInPage(page, () => document.querySelectorAll("#pii-found .pii-mark").length === 2, null, 30000);
  const marked = await page.$$eval("#pii-found .pii-mark", (ms) => ms.map((m) => [m.dataset.kind, m.textContent]));
  assert.deepEqual(marked, [["email", "ada.l@example.org"], ["phone", "415-555-2671"]]);
  // The phone number is a false positive here: dismissed, it stays listed, struck out.
  await page.click('#pii-found li[data-kind="phone"] button:text("Dismiss")');
  await waitInPage(page, () => document.querySelectorAll("#pii-found .pii-mark.dismissed").length === 1, null, 30000);
  // "Bob" was missed: selected in the text and marked as a name.
  const start = text.indexOf("Bob");
  await page.evaluate(([s, e]) => document.getElementById("item-text").setSelectionRange(s, e), [start, start + 3]);
  await page.selectOption("#pii-kind", "name");
  await page.click("#pii-add");
  await waitInPage(page, () => document.querySelectorAll("#pii-found .pii-mark").length === 3, null, 30000);
  assert.equal(await page.textContent('#pii-found .pii-mark[data-kind="name"]'), "Bob");
  await page.screenshot({ path: docsPath("pii-review.png"), fullPage: true });
  // The screenshot next: its finding's box outlined over the (redacted) image.
  await page.click("#accept");
  await page.locator(`#item-id:text("#${shot.body.id}")`).waitFor({ timeout: 30000 });
  await waitInPage(page, () => document.querySelectorAll("#item-media .pii-box").length === 1, null, 30000);
  assert.deepEqual(page.jsErrors, []);
  await page.close();

  // The owner on /me: what was found, and the image as others get it.
  const me = await pageHolding(ada, "/me");
  const textRow = me.locator(`li[data-id="${row.body.id}"]`);
  await textRow.locator("summary").waitFor({ timeout: 30000 });
  assert.match(await textRow.locator("summary").innerText(), /Personal data found: 2/);
  await textRow.locator("summary").click();
  await textRow.locator(".pii-list li").nth(2).waitFor({ timeout: 30000 });
  assert.match(await textRow.locator(".pii-list").innerText(), /phone number: “415-555-2671” .*dismissed/);
  const shotRow = me.locator(`li[data-id="${shot.body.id}"]`);
  await shotRow.locator("summary").click();
  const blackAt = (b) => me.evaluate(([id, b]) => {
    const img = document.querySelector(`li[data-id="${id}"] img`);
    if (!img.complete || !img.naturalWidth) return null;
    const canvas = Object.assign(document.createElement("canvas"), { width: img.naturalWidth, height: img.naturalHeight });
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const [r, g, bl] = ctx.getImageData(b.x + b.w / 2, b.y + 2, 1, 1).data;
    return r + g + bl === 0;
  }, [shot.body.id, b]);
  await waitInPage(me, ([id]) => document.querySelector(`li[data-id="${id}"] img`)?.naturalWidth > 0, [shot.body.id], 30000);
  assert.equal(await blackAt(box), false, "the original shows the address");
  await shotRow.locator('input[type="checkbox"][id^="redacted-"]').check();
  const deadline = Date.now() + 30000;
  while ((await blackAt(box)) !== true) {
    assert.ok(Date.now() < deadline, "the redacted copy never showed");
    await new Promise((r) => setTimeout(r, 100));
  }
  await me.screenshot({ path: docsPath("pii-me.png"), fullPage: true });
  assert.deepEqual(me.jsErrors, []);
  await me.close();
});
