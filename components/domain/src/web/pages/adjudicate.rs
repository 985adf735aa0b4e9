//! `/adjudicate`: the rows whose reviewers accepted different texts, one card each
//! with the media and the proposed texts side by side (how many accepted each, never
//! who), for an adjudicator (or the admin) to pick one, write another, or reject.

/// The body of the adjudication page.
pub fn body() -> String {
    r##"<h1><span class="tag">Adjudicate</span></h1>
<section class="card" aria-labelledby="adjudicate-title">
  <h2 id="adjudicate-title">Reviewers disagree</h2>
  <p>Each row here was accepted with different texts. Listen or look, then use one of
  the proposed texts, write the right one, or reject the row. Your decision is final.
  It needs an adjudicator's token (or the admin's) in the bar above.</p>
  <p id="adjudicate-status" class="live" role="status" aria-live="polite">Save an adjudicator's token above to start.</p>
  <ol id="disputes" class="rows" aria-label="Rows to settle"></ol>
</section>"##
        .to_string()
}
