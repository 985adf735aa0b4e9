//! `/`: what the service is, where to contribute, and the "Your lore" form.

/// The body of the index page.
pub fn body() -> String {
    r##"<h1>Teach the machines, <span class="tag">keep the receipts</span></h1>
<section class="card intro">
  <p>Contribute <strong>voice memos, screenshots, drawings and text</strong> to a shared
  training set. The service extracts the text from whatever you send: <strong>Whisper</strong>
  transcribes speech, <strong>OCR</strong> reads screenshots, and a <strong>shape
  recogniser</strong> names what you drew.</p>
  <p>Every contribution is <strong>proven</strong>: you get a QR code that links to a public
  verify page, a UPC-A number, a BIP-39 phrase and an EIP-55 checksum of its hash, and it is
  appended to a signed, append-only Merkle log that anyone can check without seeing your data.</p>
  <p>Operators export the complete, opted-in rows for fine-tuning (JSONL, CSV, text, chat).
  Your data stays yours: export all of it, delete any of it, or opt a contribution out of
  training at any time.</p>
</section>
<nav aria-label="Contribute" class="tiles">
  <a class="tile" href="/write"><span class="tile-icon" aria-hidden="true">¶</span><span class="tile-title">Write a text</span><span class="tile-text">Type or paste it; it is its own training text.</span></a>
  <a class="tile" href="/submit"><span class="tile-icon" aria-hidden="true">●</span><span class="tile-title">Record your voice</span><span class="tile-text">A memo straight from the microphone, transcribed by Whisper.</span></a>
  <a class="tile" href="/screenshot"><span class="tile-icon" aria-hidden="true">▣</span><span class="tile-title">Upload a screenshot</span><span class="tile-text">Pick, paste or drop an image; OCR reads the text.</span></a>
  <a class="tile" href="/draw"><span class="tile-icon" aria-hidden="true">✎</span><span class="tile-title">Draw something</span><span class="tile-text">Sketch with mouse, finger or pen; we name the shape.</span></a>
</nav>
<section class="card purple" aria-labelledby="how-title">
  <h2 id="how-title">How signing in works</h2>
  <p>An invitation link signs you in at once; a campaign's link needs no account at
  all. Otherwise paste the API token you were given (an operator creates it on the
  people page or with <code>POST /api/users</code>) into the bar above. It stays in this browser's local storage
  and is sent only as an <code>Authorization: Bearer</code> header by the page's own requests.
  The site sets no cookies, so another site cannot submit anything in your name.</p>
</section>
<section class="card" aria-labelledby="lore-title">
  <h2 id="lore-title">Your lore</h2>
  <p>Pick the colour that feels most like you; the service writes your archetype, origin
  story, powers and weaknesses, and a profile page with a matching theme.</p>
  <form id="lore-form" class="lore-form">
    <div class="color-row">
      <div>
        <label for="lore-picker">Colour</label>
        <input id="lore-picker" type="color" value="#ff2e93">
      </div>
      <div class="grow">
        <label for="lore-color">Colour as hex or name</label>
        <input id="lore-color" name="color" type="text" value="#ff2e93" required spellcheck="false" placeholder="#ff66cc or a name like teal" aria-describedby="lore-hint">
      </div>
    </div>
    <p id="lore-hint" class="muted">A hex code like <code>#7b2ff7</code> or a colour name like <code>teal</code>.</p>
    <p><button type="submit" id="lore-submit">Reveal my lore</button></p>
    <p id="lore-error" class="error" role="alert" hidden></p>
  </form>
  <div id="lore-result" class="lore-result" hidden aria-live="polite">
    <h3><span id="lore-swatch" class="swatch" aria-hidden="true"></span> <span id="lore-archetype"></span></h3>
    <p id="lore-story"></p>
    <div class="lore-lists">
      <div><h4>Powers</h4><ul id="lore-powers"></ul></div>
      <div><h4>Weaknesses</h4><ul id="lore-weaknesses"></ul></div>
    </div>
    <p><a id="lore-profile" class="button" href="#">Open your profile</a></p>
  </div>
</section>"##
        .to_string()
}
