// /screenshot: choose, paste (Ctrl+V) or drop a PNG/JPEG/WebP image, preview it,
// upload it as modality=screenshot with progress, then show the OCR text and proof,
// and outline the words OCR found on the preview.
"use strict";
(() => {
  const { $, say, setProgress, contribute, outlineBoxes } = window.TDS;
  const TYPES = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };
  const status = $("status");
  const progress = $("upload-progress");
  const input = $("file");
  const drop = $("drop");
  const preview = $("preview");
  const info = $("file-info");
  const uploadBtn = $("upload");
  const resetBtn = $("reset");

  let current = null; // { file, name }
  let previewUrl = null;
  let uploading = false;

  function refresh() {
    uploadBtn.disabled = !current || uploading;
    resetBtn.disabled = !current || uploading;
    drop.classList.toggle("has-image", Boolean(current));
  }

  function choose(file, how) {
    if (!file) return;
    if (!TYPES[file.type]) {
      say(status, `${file.name || "That file"} is ${file.type || "of an unknown type"}: choose a PNG, JPEG or WebP image.`, "bad");
      return;
    }
    const name = file.name || `pasted.${TYPES[file.type]}`;
    current = { file, name };
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(file);
    preview.src = previewUrl;
    preview.hidden = false;
    drop.dataset.source = how;
    info.textContent = `${name} · ${file.type} · ${Math.max(1, Math.round(file.size / 1024))} KiB (${how})`;
    setProgress(progress, 0);
    window.TDS.resetResult();
    clearBoxes();
    refresh();
    say(status, `Image ${how}. Press Upload to send it.`, "");
  }

  /** Removes the word boxes of an earlier image. */
  function clearBoxes() {
    drop.querySelectorAll(".word-box").forEach((b) => b.remove());
  }

  function reset() {
    current = null;
    clearBoxes();
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
    preview.removeAttribute("src");
    preview.hidden = true;
    info.textContent = "";
    input.value = "";
    delete drop.dataset.source;
    setProgress(progress, 0);
    refresh();
    say(status, "Choose, paste or drop an image.", "");
  }

  input.addEventListener("change", () => choose(input.files && input.files[0], "chosen"));

  document.addEventListener("paste", (e) => {
    const data = e.clipboardData;
    if (!data) return;
    let file = null;
    for (const item of data.items || []) {
      if (item.kind === "file" && item.type.startsWith("image/")) { file = item.getAsFile(); break; }
    }
    if (!file && data.files && data.files.length) file = data.files[0];
    if (!file) return; // ordinary text paste, e.g. into the token field
    e.preventDefault();
    choose(file, "pasted");
  });

  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes("Files");
  drop.addEventListener("dragenter", (e) => { if (hasFiles(e)) { e.preventDefault(); drop.classList.add("dragging"); } });
  drop.addEventListener("dragover", (e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; } });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    const file = e.dataTransfer && e.dataTransfer.files[0];
    choose(file, "dropped");
  });
  // A file dropped beside the box must not make the browser leave the page.
  document.addEventListener("dragover", (e) => { if (hasFiles(e)) e.preventDefault(); });
  document.addEventListener("drop", (e) => { if (hasFiles(e)) e.preventDefault(); });
  drop.addEventListener("click", () => input.click());

  uploadBtn.addEventListener("click", async () => {
    if (!current || uploading) return;
    uploading = true;
    refresh();
    await contribute({
      modality: "screenshot", file: current.file, filename: current.name, progress, status,
      onRow: (row) => { if (row.layout && row.layout.boxes) outlineBoxes(preview, row.layout.boxes); },
    });
    uploading = false;
    refresh();
  });
  resetBtn.addEventListener("click", reset);
  refresh();
})();
