//! `/write`: a text contribution, typed or pasted (the text is its own training text),
//! for a campaign's prompt when the page is opened from one.

/// The body of the write page.
pub fn body() -> String {
    format!(
        r##"<h1>Write <span class="tag">a text</span></h1>
<section class="card" aria-labelledby="write-title">
  <h2 id="write-title">Your text</h2>
  <p>Type or paste a text: it is stored as you wrote it, proven like every contribution,
  and yours to correct, opt out of training or delete on <a href="/me">My data</a>.</p>
  <form id="write-form" autocomplete="off">
    <label for="write-text">Text</label>
    <textarea id="write-text" name="text" rows="6" required></textarea>
    <p><button type="submit" id="write-submit">Send</button></p>
  </form>
  <p id="status" class="live" role="status" aria-live="polite"></p>
</section>
{}"##,
        super::result_panel("Your text")
    )
}
