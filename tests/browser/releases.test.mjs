// Dataset releases in headless Chromium against the real app: the admin cuts a release
// on the dashboard (one build step a request, so it is left building), builds it on
// with "Build now", sees its files with sizes and checksums and downloads one, which
// hashes to what the page shows; a taken name is refused with the reason. The
// contributor's /me then names the release on each row, with the hash of the row's line
// in the downloaded file and the release's signed statement.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { startHost, api, launchBrowser, docsPath } from "./harness.mjs";

const ADMIN = "releases-admin";
const TEXTS = ["The first field note.", "The second field note.", "The third field note."];
let host, browser, ada, ids;
const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");

before(async () => {
  host = await startHost({ SPIN_VARIABLE_ADMIN_TOKEN: ADMIN, SPIN_VARIABLE_RELEASE_BUILD_STEPS: "1" });
  ada = (await api(host.base, "POST", "/api/users", ADMIN, { name: "Ada" })).body.token;
  ids = [];
  for (const text of TEXTS) {
    const r = await api(host.base, "POST", "/api/unified-input", ada, { modality: "text", text });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids.push(r.body.id);
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  host?.stop();
});

test("the admin cuts, builds and downloads a release; its owner sees it on /me", { timeout: 90000 }, async () => {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(host.base + "/admin/logs");
  await page.fill("#token", ADMIN);
  await page.click("#login button[type=submit]");
  await page.locator("#releases-empty").waitFor({ timeout: 10000 });

  await page.fill("#release-name", "spring");
  await page.fill("#release-notes", "Field notes of the spring campaign");
  await page.check("input[name=release-format][value=csv]");
  await page.click("#release-submit");
  const status = page.locator("#release-status");
  await status.filter({ hasText: "is building" }).waitFor({ timeout: 10000 });
  const row = page.locator("#releases tbody tr[data-release='1']");
  assert.match(await row.innerText(), /building/);

  await row.locator("button.build-now").click();
  await status.filter({ hasText: "Release spring is published." }).waitFor({ timeout: 30000 });
  await row.locator(".status.ok").waitFor({ timeout: 10000 });
  const release = (await api(host.base, "GET", "/api/releases/1")).body;
  assert.equal(release.state, "published");
  const text = await row.innerText();
  for (const format of ["jsonl", "csv", "hf"]) assert.ok(text.includes(release.files[format].sha256), `${format} checksum shown: ${text}`);
  assert.ok(text.includes(release.manifest_sha256), "the manifest's checksum is shown");
  assert.match(text, /Field notes of the spring campaign/);

  // The download is the file the release recorded.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row.locator(".release-file", { hasText: "jsonl" }).getByRole("button", { name: "Download" }).click(),
  ]);
  const jsonl = readFileSync(await download.path());
  assert.equal(sha(jsonl), release.files.jsonl.sha256);
  assert.equal(jsonl.length, release.files.jsonl.bytes);
  assert.equal(download.suggestedFilename(), "release-1.jsonl");
  await status.filter({ hasText: "Downloaded release-1.jsonl." }).waitFor({ timeout: 10000 });
  await page.locator("section", { has: page.locator("#releases") }).screenshot({ path: docsPath("dashboard-releases.png") });

  // A taken name: nothing is cut, and the page says why.
  await page.fill("#release-name", "spring");
  await page.click("#release-submit");
  await status.filter({ hasText: 'a release named "spring" exists already' }).waitFor({ timeout: 10000 });
  assert.equal(await page.locator("#releases tbody tr").count(), 1);
  assert.deepEqual(errors, []);
  await page.close();

  // Ada's /me names the release on each row, with the hash of its line in the file.
  const me = await browser.newPage();
  await me.addInitScript((t) => localStorage.setItem("tds-token", t), ada);
  await me.goto(host.base + "/me");
  const lines = jsonl.toString("utf8").trim().split("\n");
  for (const id of ids) {
    const item = me.locator(`li.row-item[data-id='${id}']`);
    const details = item.locator("details.release-details");
    await details.waitFor({ timeout: 10000 });
    assert.match(await details.locator("summary").innerText(), /In dataset release spring/);
    await details.locator("summary").click();
    const line = lines.find((l) => JSON.parse(l).id === id);
    const shown = await details.innerText();
    assert.ok(shown.includes(sha(line)), `row ${id}: its line's hash in ${shown}`);
    assert.ok(shown.includes(release.manifest_sha256), "and the manifest's");
    assert.equal(await details.getByRole("link", { name: "signed statement" }).getAttribute("href"), "/api/releases/1");
  }
  // Deleting such a row says it will be withdrawn from the release.
  await me.locator(`li.row-item[data-id='${ids[0]}'] button.delete`).click();
  assert.match(await me.locator(`li.row-item[data-id='${ids[0]}'] .confirm`).innerText(), /withdrawn from release spring/);
  await me.locator(`li.row-item[data-id='${ids[0]}'] .confirm-no`).click();
  await me.locator(`li.row-item[data-id='${ids[1]}']`).screenshot({ path: docsPath("me-releases.png") });
  await me.close();
});
