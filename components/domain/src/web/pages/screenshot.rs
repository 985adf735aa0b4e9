//! `/screenshot`: pick, paste or drop an image, preview it, upload it, read the OCR text.

/// The body of the screenshot page.
pub fn body() -> String {
    format!(
        r##"<h1>Upload a <span class="tag">screenshot</span></h1>
<section class="card" aria-labelledby="shot-title">
  <h2 id="shot-title">Your image</h2>
  <p>PNG, JPEG or WebP. Choose a file, paste an image from the clipboard
  (<kbd>Ctrl</kbd>+<kbd>V</kbd>) or drop one on the box. OCR reads its text on the server.</p>
  <label for="file">Image file</label>
  <input id="file" type="file" accept="image/png,image/jpeg,image/webp">
  <div id="drop" class="dropzone">
    <span class="drop-title" id="drop-title">Drop an image here or paste it</span>
    <img id="preview" alt="Preview of the image to upload" hidden>
    <span id="file-info" class="muted"></span>
  </div>
  <p class="controls"><button type="button" id="upload" disabled>Upload</button>
    <button type="button" id="reset" class="secondary" disabled>Clear</button></p>
  <div class="progress-row">
    <label for="upload-progress">Upload</label>
    <progress id="upload-progress" max="100" value="0">0%</progress>
  </div>
  <p id="status" class="live" role="status" aria-live="polite">Choose, paste or drop an image.</p>
</section>
{}"##,
        super::result_panel("Text found")
    )
}
