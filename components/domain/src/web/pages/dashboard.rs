//! `/admin/logs`, the admin dashboard: the metrics charts (SVG rendered by the server),
//! the job queue, the dataset releases (cut one, follow its build, the files with their
//! sizes and checksums), and a filterable table of recent activity with a "verify
//! chain" button. Its behaviour is in `dashboard.js`, under the same content security
//! policy as every page; the admin token it asks for stays in session storage.

use crate::export::Format;

/// The dashboard's markup (its script is loaded by [`super::page`]).
pub fn body() -> String {
    BODY.replace("<!-- releases -->", &releases_card())
}

/// The releases card: the form that cuts one (formats from [`Format::ALL`], jsonl and
/// hf ticked as the API's default) and the table the script fills.
fn releases_card() -> String {
    let formats: String = Format::ALL
        .iter()
        .map(|f| {
            let on = if matches!(f, Format::Jsonl | Format::Hf) { " checked" } else { "" };
            format!(
                "<label><input type=\"checkbox\" name=\"release-format\" value=\"{0}\"{on}> {0}</label>",
                f.name()
            )
        })
        .collect();
    format!(
        r#"<section class="card" aria-labelledby="releases-title">
    <h2 id="releases-title">Dataset releases</h2>
    <p>A release freezes the complete, opted-in rows of the log's signed checkpoint, each
    with the exact text version used; its manifest is signed and goes into the log. Personal
    data is masked or the rows holding it left out, never kept. Large releases build in the
    background (the worker), or here with <em>Build now</em>.</p>
    <form id="release-form">
      <div class="controls">
        <div><label for="release-name">Name</label><input id="release-name" maxlength="64" placeholder="v1, v2, … by default"></div>
        <div><label for="release-modality">Rows</label>{modality}</div>
        <div><label for="release-reviewed">Review</label>
        <select id="release-reviewed"><option value="">any</option><option value="validated">validated only</option></select></div>
        <div><label for="release-pii">Personal data</label>
        <select id="release-pii"><option value="mask">masked</option><option value="drop">rows with it left out</option></select></div>
        <div><label for="release-license">Licence</label><input id="release-license" value="other" placeholder="e.g. cc-by-4.0"></div>
      </div>
      <fieldset class="checks"><legend>Formats</legend>{formats}</fieldset>
      <label for="release-notes">Notes (optional)</label><input id="release-notes" maxlength="2000">
      <p><button type="submit" id="release-submit">Cut the release</button></p>
    </form>
    <p id="release-status" class="live" role="status" aria-live="polite"></p>
    <p id="releases-empty" class="muted">No release yet.</p>
    <div class="table-wrap"><table id="releases"><thead><tr><th>release</th><th>state</th><th>rows</th><th>files</th><th>manifest</th></tr></thead><tbody></tbody></table></div>
  </section>"#,
        modality = super::modality_select("release-modality", "every modality"),
    )
}

const BODY: &str = r#"<h1><span class="tag">Admin</span> dashboard</h1>
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
  <!-- releases -->
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
