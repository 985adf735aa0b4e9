// A checkpoint cosigned by a real C2SP witness (aics-witness, run by
// `native-worker witness`) is shown and checked in the browser: on the public verify
// page and on the published static site; a tampered cosignature fails loudly.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startHost, api, launchBrowser, docsPath, publishSite, createWitness, workerBinary } from "./harness.mjs";

const ADMIN = "witness-admin";
const WORKER = "witness-worker";
const ORIGIN = "browser.test/witnessed";
const NAME = "witness.test/browser";
let host, browser, witness, verifyUrl, site;

before(async () => {
  witness = await createWitness(NAME);
  host = await startHost({
    SPIN_VARIABLE_ADMIN_TOKEN: ADMIN,
    SPIN_VARIABLE_WORKER_TOKEN: WORKER,
    SPIN_VARIABLE_LOG_SIGNING_KEY: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
    SPIN_VARIABLE_LOG_ORIGIN: ORIGIN,
    SPIN_VARIABLE_LOG_WITNESSES: `${witness.vkey} ${witness.url}`,
  });
  const user = await api(host.base, "POST", "/api/users", ADMIN, { name: "Ada" });
  for (let i = 0; i < 4; i++) {
    const r = await api(host.base, "POST", "/api/unified-input", user.body.token, { modality: "text", text: `witnessed note ${i}` });
    assert.equal(r.status, 201);
    verifyUrl = r.body.verify_url;
  }
  const cp = await api(host.base, "GET", "/api/proofs/checkpoint");
  await witness.trust(ORIGIN, cp.body.verifier_key);
  execFileSync(workerBinary, ["witness", "--once", "--api", host.base, "--token", WORKER]);
  site = await publishSite(host.base, WORKER);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  site?.close();
  host?.stop();
  witness?.stop();
});

test("the verify page shows the witness's cosignature, verified in the browser", async () => {
  const page = await browser.newPage();
  await page.goto(verifyUrl);
  await page.locator("#witness-check .ok").waitFor({ timeout: 10000 });
  const text = await page.locator("#witness-check").innerText();
  assert.match(text, /Cosigned \d{4}-\d\d-\d\dT.* \(verified\)/);
  assert.match(text, new RegExp(NAME.replace("/", "\\/")));
  await page.locator("#witness-check").scrollIntoViewIfNeeded();
  await page.screenshot({ path: docsPath("verify-page-witnessed.png"), fullPage: true });
  await page.close();
});

test("a tampered cosignature fails on the verify page", async () => {
  const page = await browser.newPage();
  await page.route("**/verify/*", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(
      new RegExp("(\\u2014 " + NAME.replace("/", "\\/") + " [A-Za-z0-9+/]{20})(.)"),
      (m, head, c) => head + (c === "A" ? "B" : "A"),
    );
    await route.fulfill({ response, body });
  });
  await page.goto(verifyUrl);
  await page.locator("#witness-check .bad").waitFor({ timeout: 10000 });
  assert.match(await page.locator("#witness-check").innerText(), /FAILED/);
  await page.close();
});

test("the published site shows and checks the witness's cosignature", async () => {
  const page = await browser.newPage();
  await page.goto(site.base + "/");
  await page.locator("#witness-check .ok").waitFor({ timeout: 10000 });
  assert.match(await page.locator("#witness-check").innerText(), /Cosigned .* \(verified\)/);
  await page.close();
});
