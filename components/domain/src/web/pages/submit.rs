//! `/submit`: the voice recorder (microphone → WAV 16-bit PCM mono → upload).

/// The body of the voice page.
pub fn body() -> String {
    format!(
        r##"<h1>Record a <span class="tag">voice memo</span></h1>
<section class="card" aria-labelledby="rec-title">
  <h2 id="rec-title">Recorder</h2>
  <p>Press <strong>Record</strong>, speak, then <strong>Stop and send</strong>. The memo is
  encoded in this browser as a WAV file and transcribed by Whisper on the server.</p>
  <div class="recorder">
    <div class="controls">
      <button type="button" id="record">● Record</button>
      <button type="button" id="stop" disabled>■ Stop and send</button>
      <button type="button" id="discard" class="secondary" disabled>Discard</button>
    </div>
    <div class="level-row">
      <span class="level-label" id="level-label">Level</span>
      <div id="level" class="level" role="meter" aria-labelledby="level-label" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><span id="level-bar"></span></div>
      <span id="duration" class="duration mono" aria-label="Recording length">00:00</span>
    </div>
    <div class="progress-row">
      <label for="upload-progress">Upload</label>
      <progress id="upload-progress" max="100" value="0">0%</progress>
    </div>
    <p id="status" class="live" role="status" aria-live="polite">Ready. Save your token above, then record.</p>
    <audio id="playback" controls hidden></audio>
  </div>
</section>
{}"##,
        super::result_panel("Transcript")
    )
}
