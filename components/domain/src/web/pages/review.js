// /review: one leased row at a time (GET /api/review/next), its media and current
// text; accept (with the edited text, if changed), reject, edit or skip, by button or
// key (A, R, E, S; Ctrl+Enter in the text box accepts, Esc leaves it). Decisions go to
// POST /api/training-data/{id}/review; the page says how many decisions a row has and
// needs, never how others decided. A memo's segments are listed with their times (a
// click plays from there); an image's word boxes are outlined over it. Personal data
// found in the text is marked in it (and its segments or boxes); the reviewer confirms
// or dismisses each finding (PATCH .../pii/{finding}) or marks a part of the text the
// detector missed (POST .../pii).
"use strict";
(() => {
  const { $, api, say, token, mediaElement, outlineBoxes, segmentList, findingsView, selectionSpan, KIND_NAMES } = window.TDS;
  const status = $("review-status");
  const item = $("item");
  const empty = $("review-empty");
  const text = $("item-text");
  const modality = $("review-modality");
  const buttons = ["accept", "reject", "edit", "skip"].map($);
  let current = null; // the leased row
  let reviewed = 0;
  let busy = false;

  const SOURCE = { machine: "(machine)", contributor: "(as contributed)", human: "(corrected by a person)" };

  function show(answer) {
    current = answer && answer.row;
    item.hidden = !current;
    empty.hidden = Boolean(current);
    $("remaining-count").textContent = String(answer ? answer.remaining : 0);
    if (!current) { say(status, "Nothing left to review.", "ok"); return; }
    $("item-modality").textContent = current.modality;
    $("item-id").textContent = "#" + current.id;
    const ex = current.extraction || {};
    const conf = typeof ex.confidence === "number" ? ` · confidence ${Math.round(ex.confidence * 100)}%` : "";
    $("item-engine").textContent = ex.engine ? `${[ex.engine, ex.model].filter(Boolean).join(" · ")}${conf}` : "";
    $("item-source").textContent = SOURCE[current.text_source] || "";
    const { required, cast } = answer.decisions;
    const left = Math.max(required - cast, 1);
    $("item-decisions").textContent = `${cast} of the ${required} decisions it needs so far; ` +
      `${left} more at least (more if reviewers disagree).`;
    text.value = current.extracted_text || "";
    const media = mediaElement(current, (e) => say(status, "Could not load the media: " + e.message, "bad"));
    const layout = current.layout || {};
    const findings = current.pii_findings || [];
    const shown = [];
    if (media && media.tagName === "IMG" && layout.boxes) {
      outlineBoxes(media, layout.boxes);
      shown.push(outlineBoxes(media, findings.flatMap((f) => f.boxes || []), "pii-box"));
    } else if (media) shown.push(media);
    if (media && media.tagName === "AUDIO" && layout.segments) {
      shown.push(segmentList(media, layout.segments, new Set(findings.flatMap((f) => f.segments || []))));
    }
    $("item-media").replaceChildren(...shown);
    showFindings();
    say(status, `Row #${current.id} is yours until ${new Date(answer.lease.expires_at).toLocaleTimeString()}.`, "");
  }

  /** The personal data found in the current row's text, to confirm or dismiss. */
  function showFindings() {
    const findings = current.pii_findings || [];
    const found = $("pii-found");
    if (!findings.length) {
      found.replaceChildren(Object.assign(document.createElement("p"), { className: "muted", textContent: "None found." }));
      return;
    }
    found.replaceChildren(findingsView(current.extracted_text, findings, decidePii));
  }

  async function changePii(method, path, body, done) {
    try {
      const { body: after } = await api(method, `/api/training-data/${current.id}/pii${path}`, body);
      current.pii_findings = after.findings;
      showFindings();
      say(status, done, "ok");
    } catch (e) {
      say(status, "Not recorded: " + e.message, "bad");
    }
  }

  const decidePii = (f, decision) => changePii("PATCH", `/${f.id}`, { decision },
    decision === "dismissed" ? "Dismissed: it is not personal data." : "Confirmed as personal data.");

  $("pii-kind").append(...Object.entries(KIND_NAMES).map(([value, label]) =>
    Object.assign(document.createElement("option"), { value, textContent: label })));
  $("pii-add").addEventListener("click", () => {
    if (!current) return;
    if (text.value !== (current.extracted_text || "")) {
      say(status, "Mark personal data in the text as it stands, before you edit it.", "bad");
      return;
    }
    const { start, end } = selectionSpan(text);
    if (start === end) { say(status, "Select the part of the text to mark first.", "bad"); return; }
    changePii("POST", "", { kind: $("pii-kind").value, start, end }, "Marked as personal data.");
  });

  async function next(after) {
    if (!token()) { say(status, "Save a reviewer's token above to start.", ""); item.hidden = true; return; }
    const params = new URLSearchParams();
    if (modality.value) params.set("modality", modality.value);
    if (after) params.set("after", String(after));
    busy = true;
    try {
      const { status: code, body } = await api("GET", "/api/review/next?" + params);
      show(code === 204 ? null : body);
    } catch (e) {
      item.hidden = true;
      say(status, "Could not get a row: " + e.message, "bad");
    } finally {
      busy = false;
    }
  }

  async function decide(decision) {
    if (!current || busy) return;
    const body = { decision };
    if (decision === "accept" && text.value !== (current.extracted_text || "")) body.text = text.value;
    busy = true;
    say(status, decision === "accept" ? "Accepting…" : "Rejecting…", "pending");
    try {
      const { body: after } = await api("POST", `/api/training-data/${current.id}/review`, body);
      reviewed += 1;
      $("reviewed-count").textContent = String(reviewed);
      busy = false;
      await next();
      const verdict = after.review_state === "unreviewed" ? "it waits for more reviewers"
        : after.review_state === "adjudication" ? "reviewers disagree: an adjudicator decides"
        : `it is now ${after.review_state}`;
      say(status, `${decision === "accept" ? "Accepted" : "Rejected"} (${verdict}). ${status.textContent}`, "ok");
    } catch (e) {
      busy = false;
      say(status, "Not recorded: " + e.message, "bad");
    }
  }

  const actions = {
    accept: () => decide("accept"),
    reject: () => decide("reject"),
    edit: () => { text.focus(); text.setSelectionRange(text.value.length, text.value.length); },
    skip: () => { if (current && !busy) next(current.id); },
  };
  for (const b of buttons) b.addEventListener("click", () => actions[b.id]());
  const KEYS = { a: "accept", r: "reject", e: "edit", s: "skip" };
  document.addEventListener("keydown", (e) => {
    if (e.target === text) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); actions.accept(); }
      else if (e.key === "Escape") text.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || item.hidden) return;
    if (e.target instanceof HTMLElement && e.target.closest("input, textarea, select")) return;
    const action = KEYS[e.key.toLowerCase()];
    if (action) { e.preventDefault(); actions[action](); }
  });
  modality.addEventListener("change", () => next());
  document.addEventListener("tds:token", () => { reviewed = 0; $("reviewed-count").textContent = "0"; next(); });
  next();
})();
