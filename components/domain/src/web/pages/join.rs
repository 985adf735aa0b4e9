//! `/join#<code>`: joining by an invitation link. The person picks a display name and
//! gets an account; the page keeps its token in this browser (as the token bar does)
//! and shows it once, with a way to copy it for curl and scripts.

/// The body of the join page.
pub fn body() -> String {
    r##"<h1>Join <span class="tag">in</span></h1>
<section class="card" aria-labelledby="join-title">
  <h2 id="join-title">You were invited</h2>
  <p>Pick the name others will see (reviewers and the admin; never the public). You get
  an account at once, and this browser remembers you.</p>
  <form id="join-form" autocomplete="off">
    <label for="join-name">Your name</label>
    <div class="row">
      <input id="join-name" name="name" maxlength="100" required>
      <button type="submit" id="join-submit">Join</button>
    </div>
  </form>
  <p id="join-status" class="live" role="status" aria-live="polite"></p>
</section>
<section class="card" id="joined" hidden aria-labelledby="joined-title">
  <h2 id="joined-title">Welcome, <span id="joined-name"></span></h2>
  <p>This browser keeps your token: <a href="/submit">record a voice memo</a>,
  <a href="/screenshot">upload a screenshot</a>, <a href="/draw">draw</a> or see
  <a href="/me">your data</a>. To use it anywhere else, copy it now: it is shown once.</p>
  <label for="joined-token">Your token</label>
  <div class="row"><input id="joined-token" readonly spellcheck="false" class="mono">
  <button type="button" id="joined-copy" class="secondary">Copy</button></div>
  <p class="muted">With curl: <code>curl -H "Authorization: Bearer &lt;token&gt;" …</code></p>
</section>"##
        .to_string()
}
