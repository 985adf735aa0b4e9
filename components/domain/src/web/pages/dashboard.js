// The admin dashboard (/admin/logs): once signed in (admin.js), shows the
// server-rendered charts, the job queue, the dataset releases (cut one with
// POST /api/releases, build it on with POST /api/releases/{n}/build, download its files
// and manifest) and the activity table, with a button that verifies the activity chain.
// It calls the same API as curl does.
"use strict";
const { $, call, headers, signIn } = window.TDSAdmin;
const api = (path) => call("GET", path);
function cell(text) { const td = document.createElement("td"); td.textContent = text; return td; }
async function loadActivity() {
  const q = new URLSearchParams({ limit: "50" });
  if ($("type").value) q.set("type", $("type").value.trim());
  if ($("user").value) q.set("user", $("user").value.trim());
  const data = await api("/api/activity?" + q);
  const body = $("activity").querySelector("tbody");
  body.replaceChildren(...data.items.map((i) => {
    const tr = document.createElement("tr");
    tr.append(cell(i.id), cell(i.created_at), cell(i.log_type), cell(i.user_id ?? ""), cell(JSON.stringify(i.action_data)));
    return tr;
  }));
}
const say = (text, kind) => {
  const out = $("release-status");
  out.textContent = text;
  out.dataset.kind = kind || "";
};
const size = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);
function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** Fetches an admin-only file and hands it to the browser as a download. */
async function download(path, fallback) {
  const r = await fetch(path, { headers: headers() });
  if (!r.ok) throw new Error((await r.json().catch(() => ({}))).detail || `the server answered ${r.status}`);
  const name = /filename="([^"]+)"/.exec(r.headers.get("content-disposition") || "")?.[1] || fallback;
  const url = URL.createObjectURL(await r.blob());
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return name;
}

/** A button that downloads `path`, reporting in the releases' status line. */
function downloadButton(label, path, fallback) {
  const b = el("button", { type: "button", className: "secondary", textContent: label });
  b.addEventListener("click", async () => {
    say("Downloading…", "pending");
    try { say(`Downloaded ${await download(path, fallback)}.`, "ok"); } catch (e) { say("Could not download: " + e.message, "bad"); }
  });
  return b;
}

/** Runs a building release's next steps until it is published (each request is bounded). */
async function buildNow(n) {
  for (;;) {
    const r = await call("POST", `/api/releases/${n}/build`);
    say(`Release ${r.name}: ${r.rows_hashed} of ${r.rows} rows hashed…`, "pending");
    if (r.state === "published") return r;
  }
}

function releaseRow(r) {
  const tr = document.createElement("tr");
  tr.dataset.release = r.number;
  const state = el("td", {}, el("span", { className: "status " + (r.state === "published" ? "ok" : "pending"), textContent: r.state }));
  if (r.state === "building") {
    state.append(el("div", { className: "muted", textContent: `${r.rows_hashed} of ${r.rows} rows hashed` }));
    const b = el("button", { type: "button", className: "build-now", textContent: "Build now" });
    b.addEventListener("click", async () => {
      b.disabled = true;
      try { const done = await buildNow(r.number); say(`Release ${done.name} is published.`, "ok"); } catch (e) { say("Not built: " + e.message, "bad"); }
      await loadReleases();
    });
    state.append(b);
  } else {
    state.append(el("div", { className: "muted", textContent: r.published_at }));
  }
  const rows = el("td", { textContent: String(r.rows) });
  if (r.withdrawn) rows.append(el("div", { className: "muted", textContent: `${r.withdrawn} withdrawn` }));
  const files = el("td");
  for (const f of r.formats) {
    const built = r.files[f];
    const line = el("div", { className: "release-file" }, el("strong", { textContent: f }), " ");
    if (built) {
      line.append(size(built.bytes), " · sha256 ", el("span", { className: "mono hash", textContent: built.sha256 }), " ");
      if (r.state === "published") line.append(downloadButton("Download", `/api/releases/${r.number}/download?format=${f}`, `${r.name}.${f}`));
    } else {
      line.append(el("span", { className: "muted", textContent: "not built yet" }));
    }
    files.append(line);
  }
  const manifest = el("td");
  if (r.manifest_sha256) {
    manifest.append(el("span", { className: "mono hash", textContent: r.manifest_sha256 }));
    if (r.leaf_index !== null) manifest.append(el("div", { className: "muted", textContent: `leaf ${r.leaf_index} · checkpoint ${r.checkpoint.size}` }));
    if (r.state === "published") manifest.append(downloadButton("Manifest", `/api/releases/${r.number}/manifest`, `${r.name}.manifest`));
  } else {
    manifest.append(el("span", { className: "muted", textContent: "after every row is hashed" }));
  }
  const name = el("td", {}, el("strong", { textContent: r.name }), el("div", { className: "muted", textContent: `#${r.number} · pii ${r.pii}` }));
  if (r.notes) name.append(el("div", { textContent: r.notes }));
  tr.append(name, state, rows, files, manifest);
  return tr;
}

async function loadReleases() {
  const data = await call("GET", "/api/releases");
  $("releases").querySelector("tbody").replaceChildren(...data.releases.map(releaseRow));
  $("releases-empty").hidden = data.releases.length > 0;
}

$("release-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const filters = {};
  if ($("release-modality").value) filters.modality = $("release-modality").value;
  if ($("release-reviewed").value) filters.reviewed = $("release-reviewed").value;
  const body = {
    filters,
    pii: $("release-pii").value,
    formats: [...document.querySelectorAll("input[name=release-format]:checked")].map((c) => c.value),
    license: $("release-license").value.trim() || "other",
  };
  if ($("release-name").value.trim()) body.name = $("release-name").value.trim();
  if ($("release-notes").value.trim()) body.notes = $("release-notes").value.trim();
  $("release-submit").disabled = true;
  say("Cutting the release…", "pending");
  try {
    const r = await call("POST", "/api/releases", body);
    say(r.state === "published"
      ? `Release ${r.name} is published: ${r.rows} rows.`
      : `Release ${r.name} is building (${r.rows_hashed} of ${r.rows} rows hashed): the worker finishes it, or Build now.`, "ok");
  } catch (err) {
    say("No release: " + err.message, "bad");
  } finally {
    $("release-submit").disabled = false;
  }
  await loadReleases();
});

async function load() {
  const m = await api("/api/admin/metrics?days=14");
  for (const [name, svg] of Object.entries(m.charts)) {
    const box = $("chart-" + name);
    if (box) box.innerHTML = svg;
  }
  $("queued").textContent = m.jobs.queued;
  $("dead").textContent = m.jobs.dead;
  $("training").textContent = m.training_rows[m.training_rows.length - 1];
  $("days-label").textContent = m.days.length;
  const r = m.review;
  const pct = (x) => `${Math.round(x * 1000) / 10}%`;
  $("review-coverage").textContent = r.rows ? pct((r.accepted + r.rejected) / r.rows) : "no rows yet";
  for (const k of ["accepted", "rejected", "unreviewed", "compared", "unchanged"]) $("review-" + k).textContent = r[k];
  $("review-wer").textContent = r.mean_word_error_rate === null ? "–" : pct(r.mean_word_error_rate);
  $("review-adjudication").textContent = r.adjudication;
  $("review-alpha").textContent = r.alpha === null ? "not yet" : r.alpha.toFixed(3);
  $("review-alpha-units").textContent = r.alpha_units;
  const orDash = (x, f) => (x === null ? "–" : f(x));
  $("reviewers").querySelector("tbody").replaceChildren(...r.reviewers.map((v) => {
    const tr = document.createElement("tr");
    tr.append(cell(v.reviewer), cell(v.decisions), cell(orDash(v.agreement, pct)),
      cell(orDash(v.mean_word_error_rate, pct)), cell(orDash(v.median_seconds, (s) => `${s.toFixed(1)} s`)));
    return tr;
  }));
  $("pii-rows").textContent = m.pii.rows_with_findings;
  $("pii-unscanned").textContent = m.pii.unscanned_rows;
  $("pii-kinds").querySelector("tbody").replaceChildren(...Object.entries(m.pii.by_kind).map(([kind, k]) => {
    const tr = document.createElement("tr");
    tr.append(cell(kind), cell(k.findings), cell(k.rows), cell(k.confirmed), cell(k.dismissed), cell(orDash(k.precision, pct)));
    return tr;
  }));
  $("warning-list").replaceChildren(...m.warnings.map((w) => {
    const li = document.createElement("li");
    li.className = "status pending";
    li.textContent = "Warning: " + w;
    return li;
  }));
  $("warnings").hidden = m.warnings.length === 0;
  await loadReleases();
  await loadActivity();
  $("dashboard").hidden = false;
}
$("filter").addEventListener("submit", (e) => { e.preventDefault(); loadActivity(); });
$("verify").addEventListener("click", async () => {
  const out = $("verify-result");
  out.textContent = "Checking…";
  try {
    const v = await api("/api/activity/verify");
    out.innerHTML = v.ok
      ? '<span class="status ok">Chain intact: ' + v.checked + ' entries</span>'
      : '<span class="status bad">Chain broken at entry ' + v.first_bad_id + '</span>';
  } catch (err) { out.textContent = err.message; }
});
signIn(load);
