// The admin dashboard (/admin/logs): once signed in (admin.js), shows the
// server-rendered charts, the job queue and the activity table, with a button that
// verifies the activity chain. It calls the same API as curl does.
"use strict";
const { $, call, signIn } = window.TDSAdmin;
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
