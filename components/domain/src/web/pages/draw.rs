//! `/draw`: a canvas for mouse, touch and pen; strokes + PNG upload; shape check.

/// The body of the drawing page.
pub fn body() -> String {
    // The shapes the "Check shape" control offers: the recognizer's own classes.
    let options: String = crate::shapes::SHAPES
        .iter()
        .map(|s| format!("<option value=\"{s}\">{s}</option>"))
        .collect();
    format!(
        r##"<h1>Draw <span class="tag">something</span></h1>
<section class="card" aria-labelledby="pad-title">
  <h2 id="pad-title">Canvas</h2>
  <p id="pad-help">Draw with a mouse, a finger or a pen. Each stroke is recorded with its
  points and timing; <strong>Submit</strong> sends the picture and the strokes, and the
  server names the shape at once.</p>
  <div class="pad-wrap">
    <canvas id="pad" width="640" height="400" role="img" aria-label="Drawing canvas" aria-describedby="pad-help">Your browser cannot show a canvas.</canvas>
  </div>
  <p class="controls">
    <button type="button" id="undo" disabled>↶ Undo</button>
    <button type="button" id="clear" class="secondary" disabled>Clear</button>
    <button type="button" id="submit-drawing" disabled>Submit drawing</button>
    <span id="stroke-count" class="status" aria-live="polite">0 strokes</span>
  </p>
  <div class="progress-row">
    <label for="upload-progress">Upload</label>
    <progress id="upload-progress" max="100" value="0">0%</progress>
  </div>
  <p id="status" class="live" role="status" aria-live="polite">Draw something on the canvas.</p>
  <p class="shape-line">Recognised shape: <span id="shape" class="status">–</span></p>
</section>
<section class="card purple" aria-labelledby="check-title">
  <h2 id="check-title">Check shape</h2>
  <p>Ask the recogniser whether your strokes match a shape (nothing is stored).</p>
  <form id="check-form" class="inline-form">
    <div>
      <label for="expected-shape">Shape</label>
      <select id="expected-shape" name="expected_shape">{options}</select>
    </div>
    <button type="submit" id="check-shape" disabled>Check shape</button>
  </form>
  <p id="check-result" role="status" aria-live="polite"></p>
</section>
{}"##,
        super::result_panel("Text and shape found")
    )
}
