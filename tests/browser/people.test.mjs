// People without curl, in headless Chromium: an invitation link opens /join, the person
// picks a name and is signed in at once (the token kept in this browser and shown once;
// the spent link gets the server's own explanation); /me replaces the token (the old
// one refused by the API at once); and a page holding a token the server no longer
// accepts forgets it and says why.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost, api, launchBrowser, docsPath, waitInPage } from "./harness.mjs";

const ADMIN = "people-admin";
let host, browser;

before(async () => {
  host = await startHost({ SPIN_VARIABLE_ADMIN_TOKEN: ADMIN });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  host?.stop();
});

test("an invitation link: pick a name, get an account, signed in at once", { timeout: 60000 }, async () => {
  const made = await api(host.base, "POST", "/api/invitations", ADMIN, { role: "reviewer", note: "for Rita" });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const page = await browser.newPage();
  await page.goto(made.body.url);
  await page.fill("#join-name", "Rita");
  await page.click("#join-submit");
  await waitInPage(page, () => !document.getElementById("joined").hidden, null, 30000);
  assert.equal(await page.textContent("#joined-name"), "Rita");
  const token = await page.inputValue("#joined-token");
  assert.equal(await page.evaluate(() => localStorage.getItem("tds-token")), token);
  assert.equal(new URL(page.url()).hash, "", "the spent code leaves the address bar");
  assert.equal((await api(host.base, "GET", "/api/me", token)).body.role, "reviewer");
  await waitInPage(page, () => document.getElementById("token-bar").dataset.state === "ok", null, 30000);
  assert.match(await page.textContent("#token-state"), /Signed in as Rita/);
  await page.screenshot({ path: docsPath("join-page.png"), fullPage: true });
  await page.close();

  // The link again (one use): the page says the invitation is used up.
  const again = await browser.newPage();
  await again.addInitScript(() => localStorage.removeItem("tds-token"));
  await again.goto(made.body.url);
  await again.fill("#join-name", "Sam");
  await again.click("#join-submit");
  await waitInPage(again, () => /used up/.test(document.getElementById("join-status").textContent), null, 30000);
  await again.close();
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
  await waitInPage(stale, () => document.getElementById("token-bar").dataset.state === "refused", null, 30000);
  assert.match(await stale.textContent("#token-state"), /refused the saved token/);
  assert.equal(await stale.inputValue("#token-input"), "");
  assert.equal(await stale.evaluate(() => localStorage.getItem("tds-token")), null);
  await stale.close();
});
