// The public verify page re-verifies the proof in a real browser: inclusion proof,
// checkpoint signature (WebCrypto Ed25519) and the owner's salted commitment.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost, api, launchBrowser, docsPath } from "./harness.mjs";

const ADMIN = "browser-admin";
let host, browser, row, verifyUrl;

before(async () => {
  host = await startHost({
    SPIN_VARIABLE_ADMIN_TOKEN: ADMIN,
    SPIN_VARIABLE_LOG_SIGNING_KEY: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
    SPIN_VARIABLE_LOG_ORIGIN: "browser.test/log",
  });
  const user = await api(host.base, "POST", "/api/users", ADMIN, { name: "Ada" });
  const token = user.body.token;
  for (let i = 0; i < 6; i++) {
    const r = await api(host.base, "POST", "/api/unified-input", token, { modality: "text", text: `note number ${i}` });
    assert.equal(r.status, 201);
    if (i === 2) row = r.body;
  }
  verifyUrl = row.verify_url;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  host?.stop();
});

test("the page verifies inclusion and the checkpoint signature in the browser", async () => {
  const page = await browser.newPage();
  await page.goto(verifyUrl);
  await page.locator("#browser-check .ok").waitFor({ timeout: 10000 });
  assert.match(await page.locator("#browser-check").innerText(), /Inclusion proof verified/);
  await page.locator("#signature-check .ok").waitFor({ timeout: 10000 });
  assert.match(await page.locator("#signature-check").innerText(), /Checkpoint signature verified/);
  assert.equal(await page.locator("#commitment").innerText(), row.commitment);
  const html = await page.content();
  assert.ok(!html.includes("note number 2"), "no content on the public page");
  assert.ok(!html.includes(row.proof.sha256), "no content hash on the public page");
  await page.screenshot({ path: docsPath("verify-page.png"), fullPage: true });
  await page.close();
});

test("a visitor holding content and salt can check the commitment", async () => {
  const page = await browser.newPage();
  await page.goto(verifyUrl);
  await page.fill("#content-text", "note number 2");
  await page.fill("#salt", row.commitment_salt);
  await page.click("#check-commitment");
  await page.locator("#commitment-result .ok").waitFor({ timeout: 5000 });
  await page.fill("#content-text", "note number 3");
  await page.click("#check-commitment");
  await page.locator("#commitment-result .bad").waitFor({ timeout: 5000 });
  await page.close();
});

test("a tampered proof fails loudly in the browser", async () => {
  const page = await browser.newPage();
  await page.route("**/verify/*", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/"proof":\["(.)/, (m, c) => m.slice(0, -1) + (c === "A" ? "B" : "A"));
    await route.fulfill({ response, body });
  });
  await page.goto(verifyUrl);
  await page.locator("#browser-check .bad").waitFor({ timeout: 10000 });
  assert.match(await page.locator("#browser-check").innerText(), /FAILED/);
  await page.close();
});
