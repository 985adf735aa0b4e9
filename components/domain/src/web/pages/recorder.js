// /submit: records the microphone with Web Audio (an AudioWorklet, or a
// ScriptProcessorNode where worklets are missing), shows the level and duration,
// encodes WAV 16-bit PCM mono in the browser and uploads it as modality=voice.
"use strict";
(() => {
  const { $, say, setProgress, contribute } = window.TDS;
  const MAX_SECONDS = 600;          // a memo, not a podcast
  const MAX_BYTES = 24 * 1024 * 1024; // below the server's default 25 MiB limit
  const status = $("status");
  const progress = $("upload-progress");
  const recordBtn = $("record");
  const stopBtn = $("stop");
  const discardBtn = $("discard");
  const levelBar = $("level-bar");
  const level = $("level");
  const duration = $("duration");
  const playback = $("playback");

  let rec = null;       // the recording in progress
  let busy = false;     // starting, stopping or uploading
  let playbackUrl = null;

  function setButtons() {
    const recording = rec !== null && rec.live;
    recordBtn.disabled = busy || recording;
    stopBtn.disabled = !recording;
    discardBtn.disabled = !recording;
    document.body.dataset.recorder = recording ? "recording" : busy ? "busy" : "idle";
  }

  const mmss = (seconds) => {
    const s = Math.floor(seconds);
    return String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
  };

  function showLevel(value) {
    const pct = Math.round(value * 100);
    levelBar.style.width = pct + "%";
    level.setAttribute("aria-valuenow", String(pct));
  }

  /** Called with every chunk of mono samples. */
  function onSamples(chunk) {
    if (!rec || !rec.live) return;
    rec.chunks.push(chunk);
    rec.samples += chunk.length;
    let sum = 0;
    for (let i = 0; i < chunk.length; i++) sum += chunk[i] * chunk[i];
    const rms = Math.sqrt(sum / Math.max(1, chunk.length));
    // -60 dBFS .. 0 dBFS onto 0..1, with a quick attack and a slow release.
    const db = rms > 0 ? 20 * Math.log10(rms) : -100;
    const target = Math.max(0, Math.min(1, (db + 60) / 60));
    rec.level = target > rec.level ? target : rec.level * 0.85 + target * 0.15;
    const seconds = rec.samples / rec.rate;
    if (!rec.frame) {
      rec.frame = requestAnimationFrame(() => {
        if (!rec) return;
        rec.frame = 0;
        showLevel(rec.level);
        duration.textContent = mmss(rec.samples / rec.rate);
      });
    }
    if (seconds >= MAX_SECONDS || rec.samples * 2 + 44 >= MAX_BYTES) {
      say(status, "That is the longest memo this page records; sending it now.", "pending");
      stop(true);
    }
  }

  function micError(e) {
    switch (e && e.name) {
      case "NotAllowedError":
      case "SecurityError":
        return "Microphone access was denied. Allow it in the browser's site settings and try again.";
      case "NotFoundError":
      case "OverconstrainedError":
        return "No microphone was found.";
      case "NotReadableError":
        return "The microphone is busy in another application.";
      default:
        return "The recorder could not start: " + (e && e.message ? e.message : String(e));
    }
  }

  /** An AudioContext at 16 kHz (what Whisper wants) where the browser resamples the
   * microphone for us; otherwise at the device's own rate. */
  function openContext(stream) {
    const AC = window.AudioContext || window.webkitAudioContext;
    try {
      const ctx = new AC({ sampleRate: 16000 });
      try {
        return { ctx, source: ctx.createMediaStreamSource(stream) };
      } catch (e) {
        ctx.close();
      }
    } catch (e) { /* no sampleRate option */ }
    const ctx = new AC();
    return { ctx, source: ctx.createMediaStreamSource(stream) };
  }

  async function start() {
    if (busy || rec) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(status, "This browser cannot record here: recording needs HTTPS (or localhost) and a microphone.", "bad");
      return;
    }
    if (!window.TDS.token() && !window.TDS.campaign.slug) {
      say(status, "Save your API token in the bar above first.", "bad");
      $("token-input").focus();
      return;
    }
    busy = true;
    setButtons();
    say(status, "Asking for the microphone…", "pending");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
    } catch (e) {
      busy = false;
      setButtons();
      say(status, micError(e), "bad");
      return;
    }
    try {
      const { ctx, source } = openContext(stream);
      if (ctx.state === "suspended") await ctx.resume();
      rec = { ctx, source, stream, node: null, chunks: [], samples: 0, rate: ctx.sampleRate, level: 0, frame: 0, live: true, done: null };
      if (ctx.audioWorklet && window.AudioWorkletNode) {
        await ctx.audioWorklet.addModule("/static/recorder-worklet.js");
        const node = new AudioWorkletNode(ctx, "tds-recorder", { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
        let finish;
        rec.done = new Promise((r) => { finish = r; });
        node.port.onmessage = (e) => {
          if (e.data === "done") finish();
          else if (e.data instanceof Float32Array) onSamples(e.data);
        };
        rec.node = node;
      } else {
        const node = ctx.createScriptProcessor(4096, 1, 1);
        node.channelCountMode = "explicit";
        node.channelCount = 1;
        node.onaudioprocess = (e) => onSamples(new Float32Array(e.inputBuffer.getChannelData(0)));
        rec.node = node;
      }
      source.connect(rec.node);
      rec.node.connect(ctx.destination); // silent output; keeps the node running
    } catch (e) {
      teardown();
      busy = false;
      setButtons();
      say(status, "The recorder could not start: " + e.message, "bad");
      return;
    }
    busy = false;
    setProgress(progress, 0);
    window.TDS.resetResult();
    duration.textContent = "00:00";
    setButtons();
    stopBtn.focus();
    say(status, `Recording at ${rec.rate} Hz… press Stop and send when you are done.`, "pending");
  }

  function teardown() {
    if (!rec) return;
    try { rec.source.disconnect(); } catch { /* already */ }
    try { if (rec.node) rec.node.disconnect(); } catch { /* already */ }
    rec.stream.getTracks().forEach((t) => t.stop());
    if (rec.frame) cancelAnimationFrame(rec.frame);
    rec.ctx.close().catch(() => {});
  }

  async function stop(send) {
    if (!rec || !rec.live || rec.stopping) return;
    const current = rec;
    current.stopping = true;
    busy = true;
    if (current.node && current.node.port && current.done) {
      current.node.port.postMessage("stop");
      await Promise.race([current.done, new Promise((r) => setTimeout(r, 500))]);
    }
    current.live = false;
    teardown();
    rec = null;
    showLevel(0);
    setButtons();
    recordBtn.focus();
    if (!send) {
      busy = false;
      setButtons();
      duration.textContent = "00:00";
      say(status, "Recording discarded.", "");
      return;
    }
    const seconds = current.samples / current.rate;
    duration.textContent = mmss(seconds);
    if (seconds < 0.5) {
      busy = false;
      setButtons();
      say(status, "That was too short to send; record at least half a second.", "bad");
      return;
    }
    const wav = encodeWav(current.chunks, current.samples, current.rate);
    if (playbackUrl) URL.revokeObjectURL(playbackUrl);
    playbackUrl = URL.createObjectURL(wav);
    playback.src = playbackUrl;
    playback.hidden = false;
    say(status, `Encoded ${mmss(seconds)} of audio (${Math.round(wav.size / 1024)} KiB WAV). Uploading…`, "pending");
    setButtons();
    await contribute({ modality: "voice", file: wav, filename: "memo.wav", progress, status });
    busy = false;
    setButtons();
  }

  /** WAV, 16-bit PCM, mono, little-endian, with the canonical 44-byte header. */
  function encodeWav(chunks, frames, rate) {
    const bytes = frames * 2;
    const buffer = new ArrayBuffer(44 + bytes);
    const v = new DataView(buffer);
    const ascii = (offset, text) => { for (let i = 0; i < text.length; i++) v.setUint8(offset + i, text.charCodeAt(i)); };
    ascii(0, "RIFF");
    v.setUint32(4, 36 + bytes, true);
    ascii(8, "WAVE");
    ascii(12, "fmt ");
    v.setUint32(16, 16, true);        // fmt chunk size
    v.setUint16(20, 1, true);         // PCM
    v.setUint16(22, 1, true);         // mono
    v.setUint32(24, rate, true);      // sample rate
    v.setUint32(28, rate * 2, true);  // byte rate
    v.setUint16(32, 2, true);         // block align
    v.setUint16(34, 16, true);        // bits per sample
    ascii(36, "data");
    v.setUint32(40, bytes, true);
    let offset = 44;
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i++) {
        const s = Math.max(-1, Math.min(1, chunk[i]));
        v.setInt16(offset, Math.round(s < 0 ? s * 0x8000 : s * 0x7fff), true);
        offset += 2;
      }
    }
    return new Blob([buffer], { type: "audio/wav" });
  }

  recordBtn.addEventListener("click", start);
  stopBtn.addEventListener("click", () => stop(true));
  discardBtn.addEventListener("click", () => stop(false));
  window.addEventListener("pagehide", () => { if (rec) { rec.live = false; teardown(); } });
  setButtons();
})();
