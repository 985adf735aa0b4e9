// Tokens in the pages, in headless Chromium: /me replaces the token (the new one kept
// in this browser and shown once, the old one refused by the API at once), and a page
// holding a token the server no longer accepts forgets it and says why.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost, api, launchBrowser, waitInPage } from "./harness.mjs";

const ADMIN = "token-admin";
let host, browser;

before(async () => {
  host = await startHost({ SPIN_VARIABLE_ADMIN_TOKEN: ADMIN });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  host?.stop();
});

/** A page at `path` that starts with `token` saved, as if pasted into the token bar. */
async function pageHolding(token, path) {
  const page = await browser.newPage();
  await page.addInitScript((t) => localStorage.setItem("tds-token", t), token);
  await page.goto(`${host.base}${path}`);
  return page;
}

test("/me replaces the token: kept here, shown once, the old one refused", { timeout: 60000 }, async () => {
  const user = await api(host.base, "POST", "/api/users", ADMIN, { name: "Ada" });
  const old = user.body.token;
  const page = await pageHolding(old, "/me");
  await waitInPage(page, () => document.getElementById("token-bar").dataset.state === "ok", null, 30000);
  page.once("dialog", (d) => d.accept());
  await page.click("#rotate");
  await waitInPage(page, () => !document.getElementById("new-token").hidden, null, 30000);
  const shown = await page.inputValue("#new-token-value");
  assert.match(shown, /^tdk_/);
  assert.notEqual(shown, old);
  assert.equal(await page.evaluate(() => localStorage.getItem("tds-token")), shown);
  assert.equal((await api(host.base, "GET", "/api/me", old)).status, 401);
  assert.equal((await api(host.base, "GET", "/api/me", shown)).body.name, "Ada");
  await page.close();

  // Another tab still holding the old token: it forgets it and says why.
  const stale = await pageHolding(old, "/me");
  await waitInPage(stale, () => document.getElementById("token-bar").dataset.state === "revoked", null, 30000);
  assert.match(await stale.textContent("#token-state"), /no longer works/);
  assert.equal(await stale.inputValue("#token-input"), "");
  assert.equal(await stale.evaluate(() => localStorage.getItem("tds-token")), null);
  await stale.close();
});
