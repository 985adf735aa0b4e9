//! `/review`: one row at a time with its media and current text, keyboard first
//! (accept, reject, edit, skip, each with its key on the button), with the session's
//! progress and what remains, and the personal data found in it to confirm, dismiss
//! or add to.

/// The body of the review page.
pub fn body() -> String {
    format!(
        r##"<h1><span class="tag">Review</span></h1>
<section class="card" aria-labelledby="review-title">
  <h2 id="review-title">Is this text right?</h2>
  <p>Rows are handed to one reviewer at a time, and each needs several reviewers'
  decisions; you never see how the others decided. Listen or look, fix the text if
  needed, then accept or reject. Keys work anywhere outside the text box.
  Adjudicators settle disagreements on <a href="/adjudicate">the adjudication page</a>.</p>
  <div class="controls">
    <div><label for="review-modality">Modality</label>
    {}</div>
    <p id="review-progress" class="progress-count" aria-live="polite"><span id="reviewed-count">0</span> reviewed · <span id="remaining-count">–</span> remaining</p>
  </div>
  <p id="review-status" class="live" role="status" aria-live="polite">Save a reviewer's token above to start.</p>
  <article id="item" class="review-item" hidden aria-labelledby="item-title">
    <h3 id="item-title"><span id="item-modality" class="status"></span> <span id="item-id" class="mono"></span> <span id="item-engine" class="muted"></span></h3>
    <p id="item-decisions" class="muted"></p>
    <div id="item-media" class="media"></div>
    <label for="item-text">Text <span id="item-source" class="muted"></span></label>
    <textarea id="item-text" rows="4" spellcheck="true"></textarea>
    <section id="item-pii" class="pii-panel" aria-labelledby="pii-title">
      <h4 id="pii-title">Personal data</h4>
      <div id="pii-found"></div>
      <p class="controls"><label for="pii-kind">Select a part of the text the detector missed, then mark it as</label>
      <select id="pii-kind"></select>
      <button type="button" id="pii-add" class="secondary">Mark as personal data</button></p>
    </section>
    <p class="controls keys">
      <button type="button" id="accept" aria-keyshortcuts="A"><kbd>A</kbd> Accept</button>
      <button type="button" id="reject" class="danger" aria-keyshortcuts="R"><kbd>R</kbd> Reject</button>
      <button type="button" id="edit" class="secondary" aria-keyshortcuts="E"><kbd>E</kbd> Edit</button>
      <button type="button" id="skip" class="secondary" aria-keyshortcuts="S"><kbd>S</kbd> Skip</button>
    </p>
    <p class="muted">In the text box, <kbd>Ctrl</kbd>+<kbd>Enter</kbd> accepts and <kbd>Esc</kbd> leaves it.</p>
  </article>
  <p id="review-empty" class="extracted waiting" hidden>Nothing left to review. New rows appear here once their text is extracted.</p>
</section>"##,
        super::modality_select("review-modality", "all")
    )
}
