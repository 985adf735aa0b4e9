// The published static proof site verifies leaves in the browser from its files alone
// (tiles, entry bundles, signed checkpoint), and fails loudly when a file is tampered.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { startHost, api, launchBrowser, docsPath, publishSite } from "./harness.mjs";

const ADMIN = "site-admin", WORKER = "site-worker";
let host, browser, site, dir, code;

before(async () => {
  host = await startHost({
    SPIN_VARIABLE_ADMIN_TOKEN: ADMIN,
    SPIN_VARIABLE_WORKER_TOKEN: WORKER,
    SPIN_VARIABLE_LOG_SIGNING_KEY: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
    SPIN_VARIABLE_LOG_ORIGIN: "pages.example/log",
  });
  const token = (await api(host.base, "POST", "/api/users", ADMIN, { name: "Ada" })).body.token;
  for (let i = 0; i < 9; i++) {
    const r = await api(host.base, "POST", "/api/unified-input", token, { modality: "text", text: `published note ${i}` });
    if (i === 4) code = r.body.verify_url.split("/").pop();
  }
  site = await publishSite(host.base, WORKER);
  dir = site.dir;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  site?.close();
  host?.stop();
});

async function verify(page, input) {
  await page.fill("#leaf", input);
  await page.click("#verify");
  await page.locator("#result .status:not(.pending)").waitFor({ timeout: 10000 });
  return page.locator("#result").innerText();
}

test("the site verifies a leaf by index and by verify code", async () => {
  const page = await browser.newPage();
  await page.goto(site.base + "/index.html");
  assert.match(await verify(page, "2"), /Verified: leaf 2 is in the signed checkpoint of 9 leaves/);
  assert.match(await verify(page, code), /Verified: leaf 4 /);
  assert.ok(!(await page.content()).includes("published note"), "no content on the site");
  await page.screenshot({ path: docsPath("proof-site.png"), fullPage: true });
  await page.close();
});

test("a tampered tile or checkpoint fails loudly", async () => {
  const tileDir = join(dir, "tile", "0", "000.p");
  const tile = join(tileDir, readdirSync(tileDir)[0]);
  const original = readFileSync(tile);
  const bad = Buffer.from(original);
  bad[5] ^= 1;
  writeFileSync(tile, bad);
  let page = await browser.newPage();
  await page.goto(site.base + "/index.html");
  assert.match(await verify(page, "3"), /Verification FAILED/);
  await page.close();
  writeFileSync(tile, original);

  const cp = join(dir, "checkpoint");
  const note = readFileSync(cp, "utf8");
  writeFileSync(cp, note.replace("\n9\n", "\n8\n"));
  page = await browser.newPage();
  await page.goto(site.base + "/index.html");
  assert.match(await verify(page, "3"), /Verification FAILED.*signature/s);
  await page.close();
  writeFileSync(cp, note);
});
