// The admin dashboard in headless Chromium: token prompt, charts rendered from real
// numbers of a seeded database, the activity table, and the chain verification.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost, api, launchBrowser, docsPath } from "./harness.mjs";

const ADMIN = "dashboard-admin";
let host, browser;

before(async () => {
  host = await startHost({ SPIN_VARIABLE_ADMIN_TOKEN: ADMIN, SPIN_VARIABLE_REVIEW_VOTES_REQUIRED: "1" });
  const tokens = [];
  for (const name of ["Ada", "Grace", "Linus"]) tokens.push((await api(host.base, "POST", "/api/users", ADMIN, { name })).body.token);
  let verifyUrl;
  for (let i = 0; i < 7; i++) {
    const r = await api(host.base, "POST", "/api/unified-input", tokens[i % 3], { modality: "text", text: `seeded note ${i}` });
    assert.equal(r.status, 201);
    verifyUrl = r.body.verify_url;
  }
  const png = Buffer.from("89504e470d0a1a0a00000000", "hex").toString("base64");
  assert.equal((await api(host.base, "POST", "/api/unified-input", tokens[0], { modality: "screenshot", data: png })).status, 201);
  for (let i = 0; i < 3; i++) await fetch(verifyUrl);
  // A reviewer accepts one of the seven complete rows.
  const rita = (await api(host.base, "POST", "/api/users", ADMIN, { name: "Rita", role: "reviewer" })).body.token;
  const leased = await api(host.base, "GET", "/api/review/next", rita);
  assert.equal((await api(host.base, "POST", `/api/training-data/${leased.body.row.id}/review`, rita, { decision: "accept" })).status, 200);
  assert.equal((await api(host.base, "POST", "/api/cleanup-voice-data", ADMIN)).status, 200);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  host?.stop();
});

test("the dashboard asks for the token once and shows real numbers", async () => {
  const page = await browser.newPage();
  await page.goto(host.base + "/admin/logs");
  await page.fill("#token", "wrong-token");
  await page.click("#login button[type=submit]");
  await page.locator("#login-error").filter({ hasText: /./ }).waitFor({ timeout: 10000 });
  assert.equal(await page.locator("#dashboard").isHidden(), true);

  await page.fill("#token", ADMIN);
  await page.click("#login button[type=submit]");
  await page.locator("#chart-contributions svg").waitFor({ timeout: 10000 });
  // No log_signing_key here: the dashboard says the app's own key signs the log.
  assert.equal(await page.locator("#warnings").isVisible(), true);
  assert.match(await page.locator("#warnings").innerText(), /production should set its own Spin variable log_signing_key/);
  // Today's contributions bar is labelled with 8 (7 texts + 1 screenshot).
  const labels = await page.locator("#chart-contributions svg text.value").allTextContents();
  assert.ok(labels.includes("8"), `contribution labels: ${labels}`);
  assert.ok((await page.locator("#chart-qr_scans svg text.value").allTextContents()).includes("3"));
  // Ada, Grace, Linus and the reviewer Rita used their tokens today.
  assert.ok((await page.locator("#chart-logins svg text.value").allTextContents()).includes("4"));
  assert.ok((await page.locator("#chart-quality svg text.value").allTextContents()).includes("88%"), "7 of 8 rows complete");
  assert.equal(await page.locator("#queued").innerText(), "1");
  assert.equal(await page.locator("#training").innerText(), "7");
  assert.equal(await page.locator("#review-coverage").innerText(), "14.3%");
  assert.equal(await page.locator("#review-accepted").innerText(), "1");
  assert.equal(await page.locator("#review-unreviewed").innerText(), "6");
  // Text contributions have no machine text to compare with.
  assert.equal(await page.locator("#review-compared").innerText(), "0");
  const rows = await page.locator("#activity tbody tr").count();
  assert.ok(rows >= 10, `${rows} activity rows`);

  await page.fill("#type", "qr_scan");
  await page.click("#filter button[type=submit]");
  // Locators, not waitForFunction: the page's CSP forbids the eval that polling needs.
  await page.locator("#activity tbody tr").nth(2).waitFor({ timeout: 10000 });
  await page.locator("#activity tbody tr").nth(3).waitFor({ state: "detached", timeout: 10000 });

  await page.click("#verify");
  await page.locator("#verify-result .ok").waitFor({ timeout: 10000 });
  assert.match(await page.locator("#verify-result").innerText(), /Chain intact/);
  await page.fill("#type", "");
  await page.click("#filter button[type=submit]");
  await page.waitForTimeout(300);
  await page.screenshot({ path: docsPath("admin-dashboard.png"), fullPage: true });

  // The token is kept for the session: a reload goes straight to the dashboard.
  await page.reload();
  await page.locator("#chart-contributions svg").waitFor({ timeout: 10000 });
  await page.close();
});
