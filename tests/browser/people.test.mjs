// People without curl, in headless Chromium: an invitation link opens /join, the person
// picks a name and is signed in at once (the token kept in this browser and shown once;
// the spent link gets the server's own explanation); /me replaces the token (the old
// one refused by the API at once); a page holding a token the server no longer accepts
// forgets it and says why; the admin invites and revokes people on /admin/people (the
// invited person, in a browser of their own, writes and draws and sees both rows on
// /me); and a campaign's link works in a third browser that never had a token.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost, api, launchBrowser, docsPath, waitInPage, drawCircle } from "./harness.mjs";

const ADMIN = "people-admin";
let host, browser;

before(async () => {
  host = await startHost({ SPIN_VARIABLE_ADMIN_TOKEN: ADMIN, SPIN_VARIABLE_CAMPAIGNS: "true" });
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

/** The people page, signed in as the admin. */
async function peoplePage() {
  const page = await browser.newPage();
  page.jsErrors = [];
  page.on("pageerror", (e) => page.jsErrors.push(String(e)));
  await page.goto(`${host.base}/admin/people`);
  await page.fill("#token", ADMIN);
  await page.click("#login button[type=submit]");
  await page.locator("#people-page").waitFor({ timeout: 30000 });
  return page;
}

/** Waits until the element `id` says something matching `pattern`. */
async function waitForText(page, id, pattern) {
  await waitInPage(page, ([id, source]) => new RegExp(source).test(document.getElementById(id)?.textContent || ""),
    [id, pattern.source], 30000)
    .catch(async () => assert.fail(`#${id} never matched ${pattern}: ${await page.textContent("#" + id)}`));
}

test("the admin invites on /admin/people; the invited person writes and draws; revoked, their page falls back", { timeout: 120000 }, async () => {
  const admin = await peoplePage();
  await admin.selectOption("#invite-role", "contributor");
  await admin.fill("#invite-note", "for Ivy");
  await admin.click("#invite-submit");
  await admin.locator("#invite-link-box").waitFor({ timeout: 30000 });
  const link = await admin.inputValue("#invite-link");
  assert.match(link, /\/join#[A-Za-z0-9_-]{43}$/);
  await waitForText(admin, "invitations", /for Ivy/);

  // Ivy, in a browser of her own.
  const ivyBrowser = await launchBrowser();
  try {
    const ivy = await ivyBrowser.newPage();
    await ivy.goto(link);
    await ivy.fill("#join-name", "Ivy");
    await ivy.click("#join-submit");
    await ivy.locator("#joined").waitFor({ timeout: 30000 });
    const token = await ivy.evaluate(() => localStorage.getItem("tds-token"));
    const ivyId = (await api(host.base, "GET", "/api/me", token)).body.id;

    await ivy.goto(`${host.base}/write`);
    await ivy.fill("#write-text", "Hello from Ivy.");
    await ivy.click("#write-submit");
    await ivy.locator("#result[data-id]:not([data-id=''])").waitFor({ timeout: 30000 });
    await ivy.goto(`${host.base}/draw`);
    await drawCircle(ivy, 320, 200, 120);
    await ivy.click("#submit-drawing");
    await ivy.locator("#result[data-id]:not([data-id=''])").waitFor({ timeout: 30000 });
    await ivy.goto(`${host.base}/me`);
    await waitInPage(ivy, () => document.querySelectorAll("#rows > li").length === 2, null, 30000);
    const texts = await ivy.evaluate(() => [...document.querySelectorAll("#rows textarea")].map((t) => t.value));
    assert.ok(texts.includes("Hello from Ivy."), JSON.stringify(texts));
    assert.match(await ivy.textContent("#rows"), /drawing #\d+.*text #\d+/s);

    // The admin finds her on the people page and revokes her token.
    await admin.click("#people-filter button[type=submit]");
    const row = admin.locator(`#people tr[data-id="${ivyId}"]`);
    await row.waitFor({ timeout: 30000 });
    assert.match(await row.textContent(), /Ivy.*invited/s);
    await admin.screenshot({ path: docsPath("people-page.png"), fullPage: true });
    await row.locator("button", { hasText: "Revoke token" }).click();
    await waitForText(admin, "people-status", /no longer works/);
    assert.equal((await api(host.base, "GET", "/api/me", token)).status, 401);

    // Her page notices at the next request and returns to the signed-out state.
    await ivy.reload();
    await waitInPage(ivy, () => document.getElementById("token-bar").dataset.state === "refused", null, 30000);
    assert.match(await ivy.textContent("#token-state"), /refused the saved token/);
  } finally {
    await ivyBrowser.close();
  }
  // On a phone the tables scroll inside their cards; the page itself does not.
  await admin.setViewportSize({ width: 375, height: 800 });
  const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `/admin/people overflows by ${overflow}px at 375px`);
  assert.deepEqual(admin.jsErrors, []);
  await admin.close();
});

test("a campaign link in a browser that never had a token: prompts, an anonymous participant, closed at once", { timeout: 120000 }, async () => {
  const admin = await peoplePage();
  await admin.fill("#campaign-slug", "city-voices");
  await admin.fill("#campaign-title", "Voices of the city");
  await admin.check("#campaign-drawing");
  await admin.fill("#campaign-prompts", "Describe your street.\nName three fruits.");
  await admin.click("#campaign-submit");
  await waitForText(admin, "campaign-form-status", /Campaign open at .*\/c\/city-voices/);
  const listed = admin.locator('#campaigns tr[data-slug="city-voices"]');
  await listed.waitFor({ timeout: 30000 });

  const guestBrowser = await launchBrowser();
  try {
    const guest = await guestBrowser.newPage();
    guest.jsErrors = [];
    guest.on("pageerror", (e) => guest.jsErrors.push(String(e)));
    await guest.goto(`${host.base}/c/city-voices`);
    await guest.locator("#campaign-ways a[data-modality=text]").waitFor({ timeout: 30000 });
    assert.equal(await guest.textContent("#campaign-name"), "Voices of the city");
    assert.equal(await guest.locator("#campaign-ways a").count(), 2, "text and drawing");
    await guest.screenshot({ path: docsPath("campaign-page.png"), fullPage: true });

    await guest.click("#campaign-ways a[data-modality=text]");
    await waitForText(guest, "campaign-prompt", /Describe your street\./);
    assert.equal(await guest.evaluate(() => localStorage.getItem("tds-token")), null, "no token yet");
    await guest.fill("#write-text", "Cobblestones and a bakery.");
    await guest.click("#write-submit");
    await guest.locator("#result[data-id]:not([data-id=''])").waitFor({ timeout: 30000 })
      .catch(async () => assert.fail(await guest.textContent("#status")));
    const token = await guest.evaluate(() => localStorage.getItem("tds-token"));
    assert.match(token, /^tdk_/);
    const id = Number(await guest.getAttribute("#result", "data-id"));
    const row = (await api(host.base, "GET", `/api/training-data/${id}`, token)).body;
    assert.equal(row.metadata.prompt, "Describe your street.");
    const me = (await api(host.base, "GET", "/api/me", token)).body;
    assert.deepEqual([me.anonymous, me.campaign], [true, "city-voices"]);
    await waitForText(guest, "campaign-prompt", /Name three fruits\./);
    await waitForText(guest, "token-state", /Taking part anonymously/);

    // Closed by the admin: the page says so at once.
    await listed.locator("button", { hasText: "Close" }).click();
    await waitInPage(admin, () => document.querySelector('#campaigns tr[data-slug="city-voices"]')?.textContent.includes("closed"), null, 30000);
    await guest.reload();
    await waitForText(guest, "campaign-status", /closed/);
    await guest.fill("#write-text", "Too late.");
    await guest.click("#write-submit");
    await waitForText(guest, "status", /closed/);
    assert.deepEqual(guest.jsErrors, []);
  } finally {
    await guestBrowser.close();
  }
  await admin.close();
});
