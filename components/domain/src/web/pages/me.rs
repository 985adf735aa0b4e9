//! `/me`: a contributor's own rows, newest first: play or see the media, correct the
//! text, opt in or out of training, delete (after a confirmation), and download
//! everything as the personal-data zip; and replacing one's token (signing out every
//! other browser and script that holds the old one).

/// The body of the "my data" page.
pub fn body() -> String {
    format!(
        r##"<h1>My <span class="tag">data</span></h1>
<section class="card" aria-labelledby="me-title">
  <h2 id="me-title">Your contributions</h2>
  <p>Newest first. Correct a transcript or the text found in an image (the machine's
  version stays in the row's history), take a row out of training exports, or delete it
  for good.</p>
  <div class="controls">
    <div><label for="filter-modality">Show</label>
    {}</div>
    <div><span class="label-gap" aria-hidden="true"></span>
    <button type="button" id="download" class="secondary">Download my data (.zip)</button></div>
  </div>
  <p id="me-status" class="live" role="status" aria-live="polite">Save your token above to see your data.</p>
  <ol id="rows" class="rows" aria-label="Your contributions"></ol>
  <p><button type="button" id="more" class="secondary" hidden>Show older</button></p>
</section>
<section class="card" aria-labelledby="token-title">
  <h2 id="token-title">Your token</h2>
  <p>Replacing it signs out everywhere: every browser and script holding the old token is
  refused from then on. This browser keeps the new one; copy it for anything else.</p>
  <p><button type="button" id="rotate" class="secondary">Replace my token</button></p>
  <div id="new-token" hidden>
    <label for="new-token-value">Your new token (shown once)</label>
    <div class="row"><input id="new-token-value" readonly spellcheck="false" class="mono">
    <button type="button" id="copy-token" class="secondary">Copy</button></div>
    <p class="muted">Elsewhere: <code>curl -H "Authorization: Bearer &lt;token&gt;" …</code></p>
  </div>
  <p id="token-status" class="live" role="status" aria-live="polite"></p>
</section>"##,
        super::modality_select("filter-modality", "everything")
    )
}
