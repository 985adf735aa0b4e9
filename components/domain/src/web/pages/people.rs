//! `/admin/people`: the admin manages people without curl: every user (role, anonymous
//! or not, campaign, created, last seen, contributions, open or closed), filtered and
//! paged, with a role to change, a token to revoke (or revoke and reissue, the new one
//! shown once) and an account to close; the invitations with their uses left, made and
//! revoked here (the link shown once); the campaigns, opened and closed here. Its
//! behaviour is in `people.js`; the admin token stays in session storage, as on the
//! dashboard.

/// The people page's markup (its script is loaded by [`super::page`]).
pub const BODY: &str = r#"<h1><span class="tag">Admin</span> people</h1>
<div id="people-page" hidden>
  <section class="card" aria-labelledby="people-title">
    <h2 id="people-title">People</h2>
    <form id="people-filter" class="controls">
      <div><label for="filter-role">Role</label>
      <select id="filter-role"><option value="">any</option><option>contributor</option><option>reviewer</option></select></div>
      <div><label for="filter-kind">Kind</label>
      <select id="filter-kind"><option value="">anyone</option><option value="false">named people</option><option value="true">anonymous participants</option></select></div>
      <div><label for="filter-state">State</label>
      <select id="filter-state"><option value="">open or closed</option><option value="active">open</option><option value="closed">closed</option></select></div>
      <div><label for="filter-campaign">Campaign</label>
      <input id="filter-campaign" placeholder="slug"></div>
      <div><button type="submit">Show</button> <button type="button" id="signout" class="secondary">Sign out</button></div>
    </form>
    <div id="reissued" class="shown-once" hidden>
      <label for="reissued-token">New token for <span id="reissued-who"></span> (shown once: pass it on now)</label>
      <input id="reissued-token" readonly class="mono" spellcheck="false">
    </div>
    <p id="people-status" role="status" aria-live="polite"></p>
    <div class="table-wrap"><table id="people"><thead><tr><th>#</th><th>name</th><th>role</th><th>kind</th><th>created</th><th>last seen</th><th>rows</th><th>state</th><th>actions</th></tr></thead><tbody></tbody></table></div>
    <p><button type="button" id="people-more" class="secondary" hidden>Older people</button></p>
  </section>
  <section class="card" aria-labelledby="invitations-title">
    <h2 id="invitations-title">Invitations</h2>
    <form id="invite" class="controls">
      <div><label for="invite-role">Role</label>
      <select id="invite-role"><option>contributor</option><option>reviewer</option></select></div>
      <div><label for="invite-uses">Uses</label><input id="invite-uses" type="number" min="1" max="1000" value="1"></div>
      <div><label for="invite-hours">Valid for (hours)</label><input id="invite-hours" type="number" min="1" max="8784" value="168"></div>
      <div><label for="invite-note">Note</label><input id="invite-note" maxlength="200" placeholder="who it is for"></div>
      <div><button type="submit" id="invite-submit">Make a link</button></div>
    </form>
    <div id="invite-link-box" class="shown-once" hidden>
      <label for="invite-link">The link (shown once: send it now)</label>
      <input id="invite-link" readonly class="mono" spellcheck="false">
    </div>
    <p id="invite-status" role="status" aria-live="polite"></p>
    <div class="table-wrap"><table id="invitations"><thead><tr><th>#</th><th>role</th><th>note</th><th>uses left</th><th>expires</th><th>state</th><th></th></tr></thead><tbody></tbody></table></div>
  </section>
  <section class="card" aria-labelledby="campaigns-title">
    <h2 id="campaigns-title">Campaigns</h2>
    <p id="campaigns-off" hidden>Campaigns are off on this service: set the Spin variable <code>campaigns</code> to <code>true</code> to open one.</p>
    <form id="campaign-form">
      <div class="controls">
        <div><label for="campaign-slug">Address /c/…</label><input id="campaign-slug" maxlength="64" placeholder="voices-2027" required></div>
        <div><label for="campaign-title">Name</label><input id="campaign-title" maxlength="100" required></div>
        <div><label for="campaign-max">Total cap</label><input id="campaign-max" type="number" min="1" placeholder="none"></div>
        <div><label for="campaign-daily">Per person a day</label><input id="campaign-daily" type="number" min="1" placeholder="none"></div>
        <div><label for="campaign-ends">Ends (UTC)</label><input id="campaign-ends" type="datetime-local"></div>
      </div>
      <fieldset class="checks"><legend>Accepts</legend>
        <label><input type="checkbox" id="campaign-text" name="modality" value="text" checked> text</label>
        <label><input type="checkbox" id="campaign-voice" name="modality" value="voice"> voice</label>
        <label><input type="checkbox" id="campaign-drawing" name="modality" value="drawing"> drawing</label>
        <label><input type="checkbox" id="campaign-screenshot" name="modality" value="screenshot"> screenshot</label>
      </fieldset>
      <label for="campaign-prompts">Prompts, one per line (optional, at most 500 characters each)</label>
      <textarea id="campaign-prompts" rows="3"></textarea>
      <p><button type="submit" id="campaign-submit">Open the campaign</button></p>
    </form>
    <p id="campaign-form-status" role="status" aria-live="polite"></p>
    <div class="table-wrap"><table id="campaigns"><thead><tr><th>#</th><th>name</th><th>link</th><th>accepts</th><th>rows</th><th>left</th><th>people</th><th>state</th><th></th></tr></thead><tbody></tbody></table></div>
  </section>
</div>"#;
