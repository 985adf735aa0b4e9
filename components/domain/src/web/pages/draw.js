// /draw: a canvas for mouse, touch and pen (Pointer Events). Strokes are lists of
// [x, y, t] in canvas pixels, t in ms since the stroke began. Undo, Clear, Submit
// (PNG + strokes as modality=drawing) and "Check shape" (POST /api/draw/verify).
"use strict";
(() => {
  const { $, say, setProgress, contribute, api } = window.TDS;
  const canvas = $("pad");
  const ctx = canvas.getContext("2d");
  const status = $("status");
  const progress = $("upload-progress");
  const undoBtn = $("undo");
  const clearBtn = $("clear");
  const submitBtn = $("submit-drawing");
  const checkBtn = $("check-shape");
  const count = $("stroke-count");
  const shapeOut = $("shape");
  const checkOut = $("check-result");
  const LINE = 6;

  const strokes = [];  // finished strokes
  let active = null;   // { id, t0, points }
  let uploading = false;

  function pen() {
    ctx.strokeStyle = "#000";
    ctx.fillStyle = "#000";
    ctx.lineWidth = LINE;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
  }

  function blank() {
    ctx.save();
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
  }

  function dot(x, y) {
    pen();
    ctx.beginPath();
    ctx.arc(x, y, LINE / 2, 0, Math.PI * 2);
    ctx.fill();
  }

  function segment(a, b) {
    pen();
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  }

  function drawStroke(points) {
    if (points.length === 0) return;
    if (points.length === 1) return dot(points[0][0], points[0][1]);
    pen();
    ctx.beginPath();
    ctx.moveTo(points[0][0], points[0][1]);
    for (let i = 1; i < points.length; i++) ctx.lineTo(points[i][0], points[i][1]);
    ctx.stroke();
  }

  function redraw() {
    blank();
    for (const s of strokes) drawStroke(s);
  }

  function refresh() {
    const n = strokes.length;
    count.textContent = n === 1 ? "1 stroke" : `${n} strokes`;
    canvas.dataset.strokes = String(n);
    undoBtn.disabled = n === 0;
    clearBtn.disabled = n === 0;
    submitBtn.disabled = n === 0 || uploading;
    checkBtn.disabled = n === 0;
  }

  /** Pointer position in canvas pixels (the canvas may be shown smaller or larger). */
  function point(e, t0) {
    const r = canvas.getBoundingClientRect();
    const x = ((e.clientX - r.left) * canvas.width) / r.width;
    const y = ((e.clientY - r.top) * canvas.height) / r.height;
    const clamp = (v, max) => Math.round(Math.max(0, Math.min(max, v)) * 10) / 10;
    return [clamp(x, canvas.width), clamp(y, canvas.height), Math.max(0, Math.round(e.timeStamp - t0))];
  }

  canvas.addEventListener("pointerdown", (e) => {
    if (active) return; // one pointer at a time
    if (e.pointerType === "mouse" && e.button !== 0) return;
    e.preventDefault();
    try { canvas.setPointerCapture(e.pointerId); } catch { /* synthetic pointer */ }
    active = { id: e.pointerId, t0: e.timeStamp, points: [] };
    const p = point(e, active.t0);
    active.points.push(p);
    dot(p[0], p[1]);
  });

  canvas.addEventListener("pointermove", (e) => {
    if (!active || e.pointerId !== active.id) return;
    e.preventDefault();
    const events = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const p = point(ev, active.t0);
      const last = active.points[active.points.length - 1];
      if (last && last[0] === p[0] && last[1] === p[1]) continue;
      active.points.push(p);
      segment(last, p);
    }
  });

  function finish(e) {
    if (!active || (e && e.pointerId !== active.id)) return;
    strokes.push(active.points);
    active = null;
    refresh();
    say(status, "Draw more, or Submit the drawing.", "");
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  canvas.addEventListener("lostpointercapture", finish);

  undoBtn.addEventListener("click", () => {
    strokes.pop();
    redraw();
    refresh();
    say(status, strokes.length ? "Removed the last stroke." : "The canvas is empty.", "");
  });

  clearBtn.addEventListener("click", () => {
    strokes.length = 0;
    redraw();
    refresh();
    shapeOut.textContent = "–";
    shapeOut.className = "status";
    delete shapeOut.dataset.shape;
    checkOut.textContent = "";
    delete checkOut.dataset.match;
    say(status, "Cleared. Draw something on the canvas.", "");
  });

  /** "shape: circle (0.91)" → { shape, score }. */
  function parseShape(text) {
    const m = /shape:\s*([a-z][a-z -]*?)\s*\(([0-9.]+)\)/i.exec(text || "");
    return m ? { shape: m[1], score: Number(m[2]) } : null;
  }

  let shapeShownFor = null; // the contribution whose shape is on screen

  function showShape(row) {
    if (!row) return;
    const found = parseShape(row.extracted_text);
    if (found) {
      shapeOut.textContent = `${found.shape} (${Math.round(found.score * 100)}%)`;
      shapeOut.className = "status ok";
      shapeOut.dataset.shape = found.shape;
      shapeShownFor = row.id;
    } else if (row.status === "complete" && shapeShownFor !== row.id) {
      // OCR words may replace the shape line later; a shape seen at ingest stays shown.
      shapeOut.textContent = "not recognised";
      shapeOut.className = "status";
      delete shapeOut.dataset.shape;
    }
  }

  submitBtn.addEventListener("click", () => {
    if (!strokes.length || uploading) return;
    uploading = true;
    refresh();
    shapeShownFor = null;
    delete shapeOut.dataset.shape;
    shapeOut.textContent = "…";
    shapeOut.className = "status pending";
    const snapshot = strokes.map((s) => s.slice());
    canvas.toBlob(async (blob) => {
      if (!blob) {
        say(status, "The browser could not turn the canvas into a PNG.", "bad");
      } else {
        await contribute({
          modality: "drawing", file: blob, filename: "drawing.png", strokes: snapshot, progress, status,
          onRow: showShape,
        });
        if (shapeOut.textContent === "…") { shapeOut.textContent = "–"; shapeOut.className = "status"; }
      }
      uploading = false;
      refresh();
    }, "image/png");
  });

  $("check-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!strokes.length) return;
    const expected = $("expected-shape").value;
    checkOut.className = "pending-text";
    checkOut.textContent = "Checking…";
    delete checkOut.dataset.match;
    try {
      const { body } = await api("POST", "/api/draw/verify", { expected_shape: expected, strokes });
      const score = typeof body.score === "number" ? ` (score ${body.score.toFixed(2)})` : "";
      const seen = body.shape ? `recognised ${body.shape}` : "no shape recognised";
      checkOut.dataset.match = body.match ? "yes" : "no";
      checkOut.className = body.match ? "verdict ok" : "verdict bad";
      checkOut.textContent = body.match
        ? `Match: yes, it is a ${expected}; ${seen}${score}.`
        : `Match: no, ${seen}${score}, not a ${expected}.`;
    } catch (err) {
      checkOut.className = "verdict bad";
      checkOut.textContent = "The check failed: " + err.message;
    }
  });

  blank();
  refresh();
})();
