// Browser-test support: start spin-test-host on the real components, call the API,
// and launch Debian's Chromium headless through playwright-core (never a download).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const targetDir = process.env.CARGO_TARGET_DIR || join(root, "target");

/** Path of the native worker binary. */
export const workerBinary = join(targetDir, "release", "native-worker");

/**
 * Starts the native worker (Whisper + Tesseract) on the app at `base` with the worker
 * token; returns { stop, log } (log: everything it printed so far).
 */
export function startWorker(base, workerToken, id) {
  const model = process.env.TDS_WHISPER_MODEL ||
    join(homedir(), ".cache", "training-data-service", "models", "ggml-tiny.en.bin");
  const child = spawn(workerBinary, ["run", "--api", base, "--token", workerToken, "--idle-max-ms", "200",
    "--worker-id", id, "--whisper-model", model], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => { log += d; });
  child.stderr.on("data", (d) => { log += d; });
  child.once("exit", (code, signal) => { log += `\n[worker exited: ${code ?? signal}]`; });
  return { stop: () => child.kill(), log: () => log };
}

/** Starts the app on a free loopback port; resolves to { base, dbPath, stop }. */
export function startHost(env = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), "tds-browser-"));
  const child = spawn(
    process.env.SPIN_TEST_HOST || join(targetDir, "release", "spin-test-host"),
    ["--manifest", join(root, "spin.toml"), "--listen", "127.0.0.1:0", "--state-dir", stateDir],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stderr.on("data", (d) => { log += d; });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", (d) => {
      const m = /listening on (\S+)/.exec(String(d));
      if (!m) return reject(new Error("host did not start: " + d + log));
      resolve({ base: m[1], dbPath: join(stateDir, "sqlite_db.db"), log: () => log, stop: () => child.kill() });
    });
    child.once("exit", (code) => reject(new Error(`host exited with ${code}: ${log}`)));
  });
}

/** A JSON API call; resolves to { status, body }. */
export async function api(base, method, path, token, body) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: r.status, body: json };
}

/** Headless Chromium with the flags this closed network needs and a fresh profile. */
export async function launchBrowser(extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), "tds-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ...extraArgs,
    ],
    viewport: { width: 1100, height: 900 },
  });
  return context;
}

/** Where page screenshots for the README go. */
/**
 * Waits until `fn(arg)`, evaluated in the page, is truthy, polling until `timeout` ms.
 * Playwright's waitForFunction polls with an eval inside the page, which the pages'
 * CSP forbids: it then fails unless the very first check already holds, a race.
 * page.evaluate goes through the DevTools protocol, which the CSP does not govern.
 */
export async function waitInPage(page, fn, arg, timeout = 10000) {
  const deadline = Date.now() + timeout;
  while (!(await page.evaluate(fn, arg))) {
    if (Date.now() > deadline) throw new Error(`waited ${timeout} ms in the page for: ${fn}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function docsPath(name) {
  mkdirSync(join(root, "docs"), { recursive: true });
  return join(root, "docs", name);
}

/**
 * Publishes the app's log as a static site (`native-worker publish`) into a fresh
 * directory and serves it; resolves to { dir, base, close }.
 */
export async function publishSite(base, workerToken) {
  const dir = mkdtempSync(join(tmpdir(), "tds-site-"));
  execFileSync(workerBinary, ["publish", "--api", base, "--token", workerToken, "--out", dir]);
  return { dir, ...(await serveDir(dir)) };
}

/** Serves a directory as a static site on a free loopback port; resolves to { base, close }. */
export function serveDir(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = join(dir, path.endsWith("/") ? path + "index.html" : path);
    if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": file.endsWith(".html") ? "text/html; charset=utf-8" : "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    resolve({ base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() });
  }));
}

/**
 * A real C2SP witness (PyPI aics-witness, from scripts/prepare-witness or
 * TDS_AICS_WITNESS), created with name `name`. Resolves to { vkey, url, trust, stop }:
 * `trust(origin, logVkey)` makes it trust the log (extension lines allowed) and
 * serves it.
 */
export async function createWitness(name) {
  const bin = process.env.TDS_AICS_WITNESS ||
    execFileSync(join(root, "scripts", "prepare-witness"), { encoding: "utf8" }).trim();
  const dir = mkdtempSync(join(tmpdir(), "tds-witness-"));
  const config = join(dir, "witness.json");
  const run = (...args) => execFileSync(bin, [...args, "--config", config], { encoding: "utf8" });
  const vkey = run("init", "--name", name).trim().split("\n").pop().trim();
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
  const url = `http://127.0.0.1:${port}`;
  let child;
  return {
    vkey,
    url,
    async trust(origin, logVkey) {
      run("add-log", "--origin", origin, "--vkey", logVkey);
      const json = JSON.parse(readFileSync(config, "utf8"));
      json.logs[0].extension_lines = true;
      writeFileSync(config, JSON.stringify(json));
      child = spawn(bin, ["serve", "--listen", `127.0.0.1:${port}`, "--config", config], { stdio: "ignore" });
      for (let i = 0; i < 200; i++) {
        try { if ((await fetch(url + "/healthz")).ok) return; } catch {}
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("aics-witness did not come up");
    },
    stop: () => child?.kill(),
  };
}

/** Draws a circle of `r` canvas pixels around (cx, cy) with ~40 pointer moves. */
export async function drawCircle(page, cx, cy, r) {
  const box = await page.locator("#pad").boundingBox();
  const scale = box.width / 640;
  const at = (a) => [box.x + (cx + r * Math.cos(a)) * scale, box.y + (cy + r * Math.sin(a)) * scale];
  const [x0, y0] = at(0);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= 40; i++) {
    const [x, y] = at((i / 40) * Math.PI * 2);
    await page.mouse.move(x, y);
  }
  await page.mouse.up();
}
