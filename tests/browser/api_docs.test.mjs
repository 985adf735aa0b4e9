// /api/docs in headless Chromium: the contract as a page, rendered by the app from the
// document it serves at /openapi.json, under the pages' strict CSP and with no script.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost, api, launchBrowser, docsPath } from "./harness.mjs";

let host, browser;

before(async () => {
  host = await startHost({ SPIN_VARIABLE_ADMIN_TOKEN: "docs-admin" });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  host?.stop();
});

test("/api/docs lists every operation of /openapi.json, grouped by component", { timeout: 60000 }, async () => {
  const doc = (await api(host.base, "GET", "/openapi.json")).body;
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  // The browser's own probe for /favicon.ico (there is none) is the one 404 allowed.
  page.on("response", (r) => r.status() >= 400 && !r.url().endsWith("/favicon.ico") &&
    problems.push(`${r.status()} ${r.url()}`));
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") &&
    problems.push(m.text()));
  const response = await page.goto(`${host.base}/api/docs`);
  assert.equal(response.status(), 200);
  const shown = await page.$$eval("article.operation h3", (hs) => hs.map((h) => h.textContent.trim()));
  assert.deepEqual([...shown].sort(), [...operations].sort());
  const sections = await page.$$eval("section h2", (hs) => hs.map((h) => h.textContent));
  assert.deepEqual(sections, doc.tags.map((t) => t.name));
  assert.equal(await page.getAttribute("a[href='/openapi.json']", "href"), "/openapi.json");
  assert.deepEqual(problems, []);
  await page.screenshot({ path: docsPath("api-docs-page.png") });
  await page.close();
});
