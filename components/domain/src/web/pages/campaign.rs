//! `/c/<slug>`: a campaign's page, for anyone with the link. It says what the campaign
//! collects and offers a page per accepted modality (opened with `?campaign=<slug>`, so
//! each shows the prompts and counts its rows for the campaign). No account is needed:
//! the first contribution makes this browser an anonymous participant.

/// The body of a campaign's page.
pub fn body() -> String {
    r##"<h1>Take <span class="tag">part</span></h1>
<section class="card" aria-labelledby="ways-title">
  <h2 id="ways-title">How to take part</h2>
  <p id="campaign-intro">Loading the campaign…</p>
  <nav aria-label="Ways to take part" class="tiles" id="campaign-ways"></nav>
  <p class="muted">No account needed: your first contribution makes this browser an
  anonymous participant, with its own token (kept here). With it you can see, export and
  delete everything you gave on <a href="/me">My data</a>, and close your account there.</p>
</section>"##
        .to_string()
}
