//! `/admin/logs`, the admin dashboard: the metrics charts (SVG rendered by the server),
//! the job queue, and a filterable table of recent activity with a "verify chain"
//! button. Its behaviour is in `dashboard.js`, under the same content security policy
//! as every page; the admin token it asks for stays in session storage.

/// The dashboard's markup (its script is loaded by [`super::page`]).
pub const BODY: &str = r#"<h1><span class="tag">Admin</span> dashboard</h1>
<div id="dashboard" hidden>
  <section class="card" id="warnings" hidden><ul id="warning-list"></ul></section>
  <section class="card purple">
    <h2>Last <span id="days-label">14</span> days</h2>
    <p>Jobs waiting: <span class="status" id="queued">–</span> Dead jobs: <span class="status" id="dead">–</span>
       Training rows: <span class="status" id="training">–</span>
       <button type="button" id="signout">Sign out</button></p>
  </section>
  <section class="card" aria-labelledby="review-title">
    <h2 id="review-title">Review</h2>
    <p>Reviewed: <span class="status" id="review-coverage">–</span>
       (<span id="review-accepted">–</span> accepted, <span id="review-rejected">–</span> rejected,
       <span id="review-unreviewed">–</span> waiting)
       · Machine text vs accepted text: word error rate <span class="status" id="review-wer">–</span>
       over <span id="review-compared">–</span> rows, <span id="review-unchanged">–</span> needed no change</p>
    <p>Waiting for an adjudicator: <span class="status" id="review-adjudication">–</span>
       · Agreement between reviewers (Krippendorff's alpha): <span class="status" id="review-alpha">–</span>
       over <span id="review-alpha-units">–</span> rows</p>
    <div class="table-wrap"><table id="reviewers"><thead><tr><th>reviewer</th><th>decisions</th><th>agrees with the outcome</th><th>WER vs final text</th><th>median time</th></tr></thead><tbody></tbody></table></div>
  </section>
  <section class="card" aria-labelledby="pii-title">
    <h2 id="pii-title">Personal data</h2>
    <p>Rows with findings: <span class="status" id="pii-rows">–</span>
       · not scanned yet: <span id="pii-unscanned">–</span> (the quality scan takes them a page at a time)</p>
    <div class="table-wrap"><table id="pii-kinds"><thead><tr><th>kind</th><th>findings</th><th>rows</th><th>confirmed</th><th>dismissed</th><th>precision (reviewers)</th></tr></thead><tbody></tbody></table></div>
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
    <div class="table-wrap"><table id="activity"><thead><tr><th>#</th><th>time</th><th>type</th><th>user</th><th>details</th></tr></thead><tbody></tbody></table></div>
  </section>
</div>"#;
