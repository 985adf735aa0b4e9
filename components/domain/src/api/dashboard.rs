//! `GET /admin/logs`: the admin dashboard page. It asks for the admin token once
//! (kept in session storage), then shows the metrics charts (SVG rendered by the
//! server), the job queue, and a filterable table of recent activity with a
//! "verify chain" button. It calls the same API as curl does.

use super::{allow, Context, Request, Response};
use crate::error::ApiError;
use crate::web::page;

/// Handles `/admin/logs`.
pub fn handle(_ctx: &Context, req: &Request) -> Result<Response, ApiError> {
    allow(req, &[http::Method::GET])?;
    Ok(http::Response::builder()
        .status(200)
        .header("content-type", "text/html; charset=utf-8")
        .body(page("Admin dashboard", BODY).into_bytes())
        .unwrap_or_default())
}

const BODY: &str = r#"<h1><span class="tag">Admin</span> dashboard</h1>
<section class="card" id="login-card">
  <h2>Sign in</h2>
  <form id="login">
    <label for="token">Admin token</label>
    <input id="token" type="password" autocomplete="off" required>
    <p><button type="submit">Open dashboard</button> <span id="login-error" role="alert"></span></p>
  </form>
</section>
<div id="dashboard" hidden>
  <section class="card purple">
    <h2>Last <span id="days-label">14</span> days</h2>
    <p>Jobs waiting: <span class="status" id="queued">–</span> Dead jobs: <span class="status" id="dead">–</span>
       Training rows: <span class="status" id="training">–</span>
       <button type="button" id="logout">Sign out</button></p>
  </section>
  <section class="card"><div id="chart-contributions" class="chart-box"></div></section>
  <section class="card"><div id="chart-extraction" class="chart-box"></div></section>
  <section class="card"><div id="chart-quality" class="chart-box"></div></section>
  <section class="card"><div id="chart-training_rows" class="chart-box"></div></section>
  <section class="card"><div id="chart-logins" class="chart-box"></div></section>
  <section class="card"><div id="chart-qr_scans" class="chart-box"></div></section>
  <section class="card">
    <h2>Recent activity</h2>
    <form id="filter">
      <label for="type">Type</label><input id="type" placeholder="e.g. contribution_created">
      <label for="user">User id</label><input id="user" inputmode="numeric">
      <p><button type="submit">Filter</button> <button type="button" id="verify">Verify chain</button>
         <span id="verify-result" role="status"></span></p>
    </form>
    <div style="overflow-x:auto"><table id="activity"><thead><tr><th>#</th><th>time</th><th>type</th><th>user</th><th>details</th></tr></thead><tbody></tbody></table></div>
  </section>
</div>
<style>
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 2px solid var(--ink); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--candy); }
.chart-box svg { width: 100%; height: auto; }
</style>
<script>
const store = window.sessionStorage;
const $ = (id) => document.getElementById(id);
async function api(path) {
  const r = await fetch(path, { headers: { authorization: "Bearer " + store.getItem("admin_token") } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.detail || r.statusText);
  return body;
}
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
  await loadActivity();
  $("login-card").hidden = true;
  $("dashboard").hidden = false;
}
$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  store.setItem("admin_token", $("token").value);
  try { await load(); } catch (err) { store.removeItem("admin_token"); $("login-error").textContent = err.message; }
});
$("filter").addEventListener("submit", (e) => { e.preventDefault(); loadActivity(); });
$("logout").addEventListener("click", () => { store.removeItem("admin_token"); location.reload(); });
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
if (store.getItem("admin_token")) load().catch(() => store.removeItem("admin_token"));
</script>"#;
