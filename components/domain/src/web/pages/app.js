// Shared by every contributor page: the token bar (localStorage "tds-token", sent as
// "Authorization: Bearer …"), API calls with problem+json errors, uploads with
// progress, polling a contribution until it is done, the proof panel, and the campaign
// a page serves (its banner and prompts, and joining it on the first contribution).
"use strict";
(() => {
  const KEY = "tds-token";
  const $ = (id) => document.getElementById(id);

  function getToken() {
    try { return localStorage.getItem(KEY) || ""; } catch { return ""; }
  }
  function setToken(value) {
    try {
      if (value) localStorage.setItem(KEY, value); else localStorage.removeItem(KEY);
    } catch { /* storage disabled: the token lasts for this page only */ }
    memoryToken = value;
  }
  let memoryToken = getToken();
  const token = () => getToken() || memoryToken;

  /** An API failure: `detail` from the problem+json body when there is one. */
  class ApiError extends Error {
    constructor(status, message, body) {
      super(message);
      this.status = status;
      this.body = body;
    }
  }

  function problemMessage(status, body, fallback) {
    if (body && typeof body === "object" && (body.detail || body.title)) {
      return body.detail || body.title;
    }
    if (status === 401) return "The API token is missing or unknown: paste yours in the token bar above.";
    if (status === 0) return "The server could not be reached.";
    return fallback || `The server answered ${status}.`;
  }

  function parseBody(text) {
    if (!text) return null;
    try { return JSON.parse(text); } catch { return text; }
  }

  function authHeaders(extra = {}) {
    const headers = { ...extra };
    const t = token();
    if (t) headers.authorization = "Bearer " + t;
    return headers;
  }

  /** fetch + JSON; throws ApiError with the problem's detail on a non-2xx answer. */
  async function api(method, path, body) {
    const init = { method, headers: authHeaders({ accept: "application/json" }) };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, "The server could not be reached: " + e.message, null);
    }
    const data = parseBody(await resp.text());
    const message = problemMessage(resp.status, data, resp.statusText);
    if (resp.status === 401) refused(message);
    if (!resp.ok) throw new ApiError(resp.status, message, data);
    return { status: resp.status, body: data };
  }

  /**
   * The server refused the saved token (unknown, revoked, replaced elsewhere, or the
   * account closed): forget it, so every page is back to its signed-out state, and say
   * why in the token bar, with the server's own detail.
   */
  function refused(detail) {
    if (!token()) return;
    setToken("");
    const input = $("token-input");
    if (input) input.value = "";
    const form = $("token-bar");
    if (form) form.dataset.state = "refused";
    const state = $("token-state");
    if (state) {
      say(state, `The server refused the saved token (${detail}), so this browser forgot it: ` +
        "paste a current one.", "bad");
    }
    document.dispatchEvent(new Event("tds:token"));
  }

  /** A multipart upload by XHR so that upload progress can be shown. */
  function upload(path, form, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", path);
      const t = token();
      if (t) xhr.setRequestHeader("Authorization", "Bearer " + t);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => {
        const data = parseBody(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) {
          if (onProgress) onProgress(1);
          resolve({ status: xhr.status, body: data });
        } else {
          const message = problemMessage(xhr.status, data, xhr.statusText);
          if (xhr.status === 401) refused(message);
          reject(new ApiError(xhr.status, message, data));
        }
      };
      xhr.onerror = () => reject(new ApiError(0, "The upload failed: the server could not be reached.", null));
      xhr.onabort = () => reject(new ApiError(0, "The upload was cancelled.", null));
      xhr.send(form);
    });
  }

  /** Sets a progress element (0..1). */
  function setProgress(el, fraction) {
    if (!el) return;
    const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
    el.value = pct;
    el.textContent = pct + "%";
  }

  /** Writes a message to a status line; kind is "", "ok", "bad" or "pending". */
  function say(el, text, kind = "") {
    if (!el) return;
    el.textContent = text;
    el.dataset.kind = kind;
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  /**
   * Polls GET /api/training-data/{id} (about every second, slower after two minutes)
   * until the row is complete or failed, calling onUpdate with every row. Returns the
   * final row. `isCurrent()` lets a newer upload stop an older poll.
   */
  async function poll(id, onUpdate, isCurrent = () => true) {
    const started = Date.now();
    let failures = 0;
    while (isCurrent()) {
      try {
        const { body } = await api("GET", `/api/training-data/${encodeURIComponent(id)}`);
        failures = 0;
        onUpdate(body);
        if (body.status === "complete" || body.status === "failed") return body;
      } catch (e) {
        failures += 1;
        if (e.status === 401 || e.status === 403 || e.status === 404 || failures >= 10) throw e;
      }
      await sleep(Date.now() - started < 120000 ? 1000 : 5000);
    }
    return null;
  }

  /**
   * Fetches bytes with the bearer header (an <img> or <audio> cannot send it) and
   * gives them to `el` as a blob: URL, typed `type` or as the server said.
   */
  async function loadBlob(el, path, type) {
    const resp = await fetch(path, { headers: authHeaders() });
    if (!resp.ok) throw new ApiError(resp.status, problemMessage(resp.status, parseBody(await resp.text())), null);
    const blob = await resp.blob();
    const old = el.dataset.blobUrl;
    const url = URL.createObjectURL(type ? new Blob([blob], { type }) : blob);
    el.src = url;
    el.dataset.blobUrl = url;
    if (old) URL.revokeObjectURL(old);
  }
  const loadSvg = (img, path) => loadBlob(img, path, "image/svg+xml");

  /** The <audio> or <img> that shows a row's media (loaded with the token). */
  function mediaElement(row, onError) {
    if (!row.media_url) return null;
    const el = document.createElement(row.modality === "voice" ? "audio" : "img");
    if (row.modality === "voice") el.controls = true;
    else el.alt = `The ${row.modality} of contribution #${row.id}`;
    el.className = "row-media";
    loadBlob(el, new URL(row.media_url, location.href).pathname).catch(onError);
    return el;
  }

  /**
   * Outlines boxes (x, y, w, h in the image's own pixels) over `img`, each with the
   * class `kind` (word boxes; `pii-box` for personal data): the image is wrapped in a
   * container and each box placed in percentages, so it follows the image's displayed
   * size. Boxes of other kinds stay. Returns the container.
   */
  function outlineBoxes(img, boxes, kind = "word-box") {
    let frame = img.parentElement;
    if (!frame || !frame.classList.contains("boxed")) {
      frame = document.createElement("span");
      frame.className = "boxed";
      img.replaceWith(frame);
      frame.append(img);
    }
    frame.querySelectorAll("." + kind).forEach((b) => b.remove());
    const place = () => {
      const w = img.naturalWidth, h = img.naturalHeight;
      if (!w || !h) return;
      for (const b of boxes || []) {
        const box = document.createElement("span");
        box.className = kind;
        box.title = b.text || "personal data";
        Object.assign(box.style, {
          left: `${(100 * b.x) / w}%`, top: `${(100 * b.y) / h}%`,
          width: `${(100 * b.w) / w}%`, height: `${(100 * b.h) / h}%`,
        });
        frame.append(box);
      }
    };
    if (img.complete && img.naturalWidth) place(); else img.addEventListener("load", place, { once: true });
    return frame;
  }

  /** "m:ss.s" for a time in milliseconds. */
  const clock = (ms) => `${Math.floor(ms / 60000)}:${((ms % 60000) / 1000).toFixed(1).padStart(4, "0")}`;

  /**
   * A list of a transcript's segments, each a button that plays `audio` from its
   * start; edited (untimed) segments are listed without a time; those whose indexes
   * are in `marked` (personal data found in them) are marked.
   */
  function segmentList(audio, segments, marked = new Set()) {
    const list = document.createElement("ol");
    list.className = "segments";
    list.setAttribute("aria-label", "Segments: play from one");
    for (const s of segments || []) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      const time = document.createElement("span");
      time.className = "time";
      time.textContent = s.start_ms == null ? "(edited)" : `${clock(s.start_ms)}–${clock(s.end_ms)}`;
      button.append(time, s.text);
      if (s.start_ms == null) button.disabled = true;
      else {
        button.dataset.start = String(s.start_ms);
        button.addEventListener("click", () => {
          audio.currentTime = s.start_ms / 1000;
          audio.play().catch(() => {});
        });
      }
      item.append(button);
      if (marked.has(list.children.length)) {
        item.className = "has-pii";
        button.setAttribute("aria-description", "personal data found here");
      }
      list.append(item);
    }
    return list;
  }

  const KIND_NAMES = {
    email: "e-mail address", phone: "phone number", card: "payment card", iban: "IBAN", ip: "IP address",
    url_credentials: "URL with credentials", secret: "secret", name: "a person's name",
  };

  /**
   * Personal data found in `text` (findings with character spans, counted in code
   * points as the API counts them): the text with each span marked, and a list of the
   * findings; with `decide`, each item has Confirm and Dismiss buttons that call it.
   */
  function findingsView(text, findings, decide) {
    const box = document.createElement("div");
    box.className = "pii";
    const chars = Array.from(text || "");
    const marked = document.createElement("p");
    marked.className = "pii-text";
    let at = 0;
    for (const f of [...findings].sort((a, b) => a.start - b.start)) {
      if (f.start < at) continue;
      marked.append(chars.slice(at, f.start).join(""));
      const mark = document.createElement("mark");
      mark.className = "pii-mark" + (f.decision === "dismissed" ? " dismissed" : "");
      mark.dataset.kind = f.kind;
      mark.title = KIND_NAMES[f.kind] || f.kind;
      mark.textContent = chars.slice(f.start, f.end).join("");
      marked.append(mark);
      at = f.end;
    }
    marked.append(chars.slice(at).join(""));
    const list = document.createElement("ul");
    list.className = "pii-list";
    for (const f of findings) {
      const item = document.createElement("li");
      item.dataset.kind = f.kind;
      const how = f.origin === "reviewer" ? "added by a reviewer" : `found, ${Math.round(f.confidence * 100)}% sure`;
      const state = f.decision ? ` · ${f.decision}` : "";
      item.append(`${KIND_NAMES[f.kind] || f.kind}: “${f.text}” (${how}${state})`);
      if (decide) {
        for (const [label, decision] of [["Confirm", "confirmed"], ["Dismiss", "dismissed"]]) {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "secondary small";
          b.textContent = label;
          b.disabled = f.decision === decision;
          b.addEventListener("click", () => decide(f, decision));
          item.append(" ", b);
        }
      }
      list.append(item);
    }
    box.append(marked, list);
    return box;
  }

  /** The code-point offsets of a textarea's selection (the browser counts UTF-16 units). */
  function selectionSpan(area) {
    const points = (s) => Array.from(s).length;
    return {
      start: points(area.value.slice(0, area.selectionStart)),
      end: points(area.value.slice(0, area.selectionEnd)),
    };
  }

  /** Resets the shared result panel (ids from pages/mod.rs). */
  function resetResult() {
    const panel = $("result");
    if (!panel) return;
    panel.hidden = true;
    $("result-text").textContent = "Waiting for the worker…";
    $("result-text").classList.add("waiting");
    $("result-error").hidden = true;
    $("result-error").textContent = "";
    $("result-engine").textContent = "";
    $("proof").hidden = true;
    panel.dataset.status = "";
    panel.dataset.id = "";
  }

  const STATUS_CLASS = { complete: "ok", failed: "bad", pending: "pending", processing: "pending" };

  /** Shows a contribution row (the 201 answer or a polled row) in the result panel. */
  function showRow(row, { waitingText = "Waiting for the worker…" } = {}) {
    const panel = $("result");
    if (!panel || !row) return;
    panel.hidden = false;
    panel.dataset.id = String(row.id);
    panel.dataset.status = row.status || "";
    $("result-id").textContent = "#" + row.id;
    const status = $("result-status");
    status.textContent = row.status || "unknown";
    status.className = "status " + (STATUS_CLASS[row.status] || "");
    const ex = row.extraction || {};
    const engine = [ex.engine, ex.model].filter(Boolean).join(" · ");
    const conf = typeof ex.confidence === "number" ? ` · confidence ${Math.round(ex.confidence * 100)}%` : "";
    $("result-engine").textContent = engine ? `(${engine}${conf})` : "";
    const text = $("result-text");
    if (row.extracted_text) {
      text.textContent = row.extracted_text;
      text.classList.remove("waiting");
    } else if (row.status === "complete") {
      text.textContent = "(no text was found)";
      text.classList.add("waiting");
    } else if (row.status === "failed") {
      text.textContent = "(extraction failed)";
      text.classList.add("waiting");
    } else {
      text.textContent = row.status === "processing" ? "A worker is extracting the text…" : waitingText;
      text.classList.add("waiting");
    }
    const err = $("result-error");
    const lastError = ex.last_error;
    if (row.status === "failed" || (lastError && row.status !== "complete")) {
      err.hidden = false;
      err.textContent = row.status === "failed"
        ? "Extraction failed: " + (lastError || "the worker gave up.")
        : "The last attempt failed (it will be retried): " + lastError;
    } else {
      err.hidden = true;
    }
    showProof(row);
  }

  function showProof(row) {
    const proof = row.proof;
    if (!proof || $("proof").dataset.for === String(row.id)) return;
    $("proof").dataset.for = String(row.id);
    $("proof").hidden = false;
    $("proof-upc-number").textContent = proof.upc || "";
    $("proof-bip39").textContent = proof.bip39_hash || "";
    $("proof-eip55").textContent = proof.ethereum_checksum || "";
    $("proof-sha256").textContent = proof.sha256 || row.content_hash || "";
    const verify = $("proof-verify");
    const url = row.verify_url || proof.qr_data;
    if (url) { verify.href = url; verify.textContent = "verify page"; }
    const id = encodeURIComponent(row.id);
    loadSvg($("proof-qr"), `/api/proofs/${id}/qr.svg`).catch((e) => showError("QR code: " + e.message));
    loadSvg($("proof-upc"), `/api/proofs/${id}/upc.svg`).catch((e) => showError("UPC barcode: " + e.message));
  }

  function showError(message) {
    const err = $("result-error");
    if (!err) return;
    err.hidden = false;
    err.textContent = message;
  }

  /**
   * Uploads media as multipart, shows the row and polls it until done. Never throws:
   * errors are shown in `status`; resolves to the final row or null.
   */
  let generation = 0;
  async function contribute({ modality, file, filename, strokes, progress, status, onRow }) {
    const mine = ++generation;
    resetResult();
    setProgress(progress, 0);
    if (!(await campaign.ensureToken(status))) return null;
    const form = new FormData();
    form.append("modality", modality);
    if (strokes) form.append("strokes", JSON.stringify(strokes));
    for (const [name, value] of Object.entries(campaign.fields())) form.append(name, String(value));
    form.append("file", file, filename);
    say(status, "Uploading…", "pending");
    let created;
    try {
      created = (await upload("/api/unified-input", form, (f) => setProgress(progress, f))).body;
    } catch (e) {
      say(status, "Upload failed: " + e.message, "bad");
      return null;
    }
    showRow(created);
    if (!created.duplicate) campaign.answered();
    if (onRow) onRow(created);
    say(status, created.duplicate
      ? `You sent this before: contribution #${created.id}.`
      : `Uploaded as contribution #${created.id}. Waiting for the worker…`, "ok");
    if (created.status === "complete" || created.status === "failed") {
      say(status, `Contribution #${created.id} is ${created.status}.`, created.status === "complete" ? "ok" : "bad");
      return created;
    }
    try {
      const final = await poll(created.id, (row) => {
        if (mine !== generation) return;
        showRow(row);
        if (onRow) onRow(row);
        if (row.status === "processing") say(status, `Contribution #${row.id}: a worker is on it…`, "pending");
      }, () => mine === generation);
      if (final && mine === generation) {
        say(status, `Contribution #${final.id} is ${final.status}.`, final.status === "complete" ? "ok" : "bad");
      }
      return final;
    } catch (e) {
      if (mine === generation) say(status, "Could not check the contribution: " + e.message, "bad");
      return null;
    }
  }

  /** Says in the token bar whose token is saved (set by `initTokenBar`). */
  let describeTokenBar = () => {};

  /** The token bar on every page. */
  function initTokenBar() {
    const form = $("token-bar");
    if (!form) return;
    const input = $("token-input");
    const state = $("token-state");
    const describe = async () => {
      if (!token()) {
        say(state, campaign.slug
          ? "No token needed for this campaign: your first contribution makes this browser a participant."
          : "No token saved yet: paste yours to contribute.", "");
        form.dataset.state = "none";
        return;
      }
      say(state, "Token saved in this browser. Checking…", "pending");
      try {
        const { body } = await api("GET", "/api/me");
        say(state, body.anonymous
          ? `Taking part anonymously (participant #${body.id} of ${body.campaign}).`
          : `Signed in as ${body.name || "user #" + body.id}.`, "ok");
        form.dataset.state = "ok";
      } catch (e) {
        if (e.status === 401) return; // refused() has already said so
        say(state, "Token saved, but the server refused it: " + e.message, "bad");
        form.dataset.state = "bad";
      }
    };
    describeTokenBar = describe;
    input.value = token();
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      setToken(input.value.trim());
      input.value = token();
      describe();
      document.dispatchEvent(new Event("tds:token"));
    });
    $("token-clear").addEventListener("click", () => {
      setToken("");
      input.value = "";
      describe();
      input.focus();
      document.dispatchEvent(new Event("tds:token"));
    });
    describe();
  }

  /** Keeps `value` as this browser's token (after the server issued a new one). */
  function keepToken(value) {
    setToken(value);
    const input = $("token-input");
    if (input) input.value = value;
    describeTokenBar();
    document.dispatchEvent(new Event("tds:token"));
  }

  /**
   * The campaign this page serves, if any: `?campaign=<slug>`, or the slug of a
   * /c/<slug> page. Its banner shows the prompts one at a time; contributions name it
   * and the prompt answered (`fields`); a browser without a token joins it as an
   * anonymous participant on its first contribution (`ensureToken`).
   */
  const campaign = (() => {
    const onCampaignPage = location.pathname.startsWith("/c/");
    const slug = new URLSearchParams(location.search).get("campaign")
      || (onCampaignPage ? decodeURIComponent(location.pathname.slice(3).replace(/\/$/, "")) : "");
    let current = null;
    let prompt = 0;
    const banner = $("campaign");
    function showPrompt() {
      const prompts = current ? current.prompts : [];
      $("campaign-prompt-box").hidden = prompts.length === 0;
      $("campaign-next").hidden = prompts.length < 2;
      if (!prompts.length) return;
      $("campaign-prompt").textContent = prompts[prompt];
      $("campaign-prompt-number").textContent = `${prompt + 1} of ${prompts.length}`;
    }
    const loaded = !slug || !banner ? Promise.resolve(null)
      : api("GET", `/api/c/${encodeURIComponent(slug)}`).then(({ body }) => {
        current = body;
        banner.hidden = false;
        banner.dataset.state = body.state;
        const link = $("campaign-name");
        link.textContent = body.name;
        link.href = `/c/${encodeURIComponent(body.slug)}`;
        showPrompt();
        if (body.state !== "active") {
          say($("campaign-status"), `This campaign is ${body.state}: it takes no more contributions.`, "bad");
        }
        return body;
      }).catch((e) => {
        banner.hidden = false;
        $("campaign-name").textContent = slug;
        say($("campaign-status"), e.message, "bad");
        return null;
      });
    $("campaign-next")?.addEventListener("click", () => {
      prompt = (prompt + 1) % current.prompts.length;
      showPrompt();
    });
    return {
      slug,
      loaded,
      /** The fields a contribution carries for the campaign (none without one). */
      fields() {
        if (!current || onCampaignPage) return {};
        return current.prompts.length ? { campaign: current.slug, prompt } : { campaign: current.slug };
      },
      /** The shown prompt was answered: on to the next. */
      answered() {
        if (!current || current.prompts.length < 2) return;
        prompt = (prompt + 1) % current.prompts.length;
        showPrompt();
      },
      /** True when this browser holds a token, joining the campaign for one if needed. */
      async ensureToken(status) {
        if (token()) return true;
        const c = await loaded;
        if (!c) {
          say(status, "Save your API token in the bar above first.", "bad");
          $("token-input")?.focus();
          return false;
        }
        say(status, "Joining the campaign…", "pending");
        try {
          const { body } = await api("POST", `/api/c/${encodeURIComponent(c.slug)}/join`);
          keepToken(body.token);
          return true;
        } catch (e) {
          say(status, "Could not join the campaign: " + e.message, "bad");
          return false;
        }
      },
    };
  })();

  window.TDS = { $, api, upload, poll, say, setProgress, showRow, resetResult, contribute, token, keepToken, campaign, ApiError, loadSvg, mediaElement, outlineBoxes, segmentList, findingsView, selectionSpan, KIND_NAMES, loadBlob, authHeaders, STATUS_CLASS };
  initTokenBar();
})();
