// /me: the contributor's rows, newest first, a page at a time (GET /api/training-data),
// filtered by modality. Each row plays its audio or shows its image, lets the owner
// correct the text (PATCH {text}), opt in or out (PATCH {included_in_training}) and
// delete it after a confirmation (DELETE); the zip of everything comes from
// GET /api/me/export. "Replace my token" (POST /api/me/token) keeps the new token in
// this browser and shows it once. A row with personal data found in it says so and
// shows what was found (GET /api/training-data/{id}/pii); an image can be shown as
// exports and reviewers get it (GET .../media?redacted=true). A row in published dataset
// releases names them with its proof: its manifest line's hashes, the release's signed
// statement (GET /api/releases/{n}) and the row's own inclusion proof (verify_url).
"use strict";
(() => {
  const { $, api, say, token, keepToken, mediaElement, authHeaders, STATUS_CLASS, findingsView, loadBlob } = window.TDS;
  const list = $("rows");
  const status = $("me-status");
  const more = $("more");
  const filter = $("filter-modality");
  let cursor = null;
  let generation = 0;

  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    for (const c of children) node.append(c);
    return node;
  };
  const SOURCE = { machine: "written by the machine", contributor: "as you wrote it", human: "corrected by a person" };

  const REVIEW = {
    unreviewed: (n) => (n ? `waiting for more reviewers (${n} decided so far)` : "not reviewed yet"),
    accepted: (n) => `validated by reviewers (${n} ${n === 1 ? "vote" : "votes"})`,
    rejected: (n) => `not used for training: reviewers rejected it (${n} ${n === 1 ? "vote" : "votes"})`,
    adjudication: () => "reviewers disagree on the text: an adjudicator decides",
  };

  /** Where the row stands: its text's source and version, and its review (never who voted). */
  function describe(row) {
    const source = row.text_source ? `${SOURCE[row.text_source]}, version ${row.text_version}` : "no text yet";
    const review = (REVIEW[row.review_state] || (() => row.review_state))(row.review_votes || 0);
    return `${source} · review: ${review}`;
  }

  function render(row) {
    const id = row.id;
    const item = el("li", { className: "card row-item" });
    item.dataset.id = String(id);
    const when = new Date(row.created_at).toLocaleString();
    item.append(el("h3", {},
      el("span", { className: "status", textContent: row.modality }), " ",
      el("span", { className: "mono", textContent: `#${id}` }), " ",
      el("span", { className: "muted", textContent: when }), " ",
      el("span", { className: "status " + (STATUS_CLASS[row.status] || ""), textContent: row.status })));
    const rowStatus = el("p", { className: "live row-status", role: "status" });
    rowStatus.setAttribute("aria-live", "polite");
    const media = mediaElement(row, (e) => say(rowStatus, "Could not load the media: " + e.message, "bad"));
    if (media) item.append(el("div", { className: "media" }, media));
    if (row.pii_count) item.append(personalData(row, media, rowStatus));
    if (row.releases && row.releases.length) item.append(inReleases(row));

    const textId = `text-${id}`;
    const provenance = el("span", { className: "muted provenance", textContent: describe(row) });
    const text = el("textarea", { id: textId, rows: 3, value: row.extracted_text || "" });
    text.disabled = row.status !== "complete";
    const save = el("button", { type: "button", className: "save", textContent: "Save text" });
    save.disabled = true;
    text.addEventListener("input", () => { save.disabled = text.value === (row.extracted_text || ""); });
    save.addEventListener("click", async () => {
      save.disabled = true;
      say(rowStatus, "Saving…", "pending");
      try {
        const { body } = await api("PATCH", `/api/training-data/${id}`, { text: text.value });
        row = body;
        provenance.textContent = describe(row);
        say(rowStatus, `Saved as version ${row.text_version}. A reviewer will check it.`, "ok");
      } catch (e) {
        save.disabled = false;
        say(rowStatus, "Not saved: " + e.message, "bad");
      }
    });
    item.append(el("label", { htmlFor: textId, textContent: "Text " }, provenance), text);

    const inclId = `incl-${id}`;
    const included = el("input", { type: "checkbox", id: inclId, checked: row.included_in_training });
    included.addEventListener("change", async () => {
      included.disabled = true;
      try {
        const { body } = await api("PATCH", `/api/training-data/${id}`, { included_in_training: included.checked });
        row = body;
        say(rowStatus, body.included_in_training ? "Back in training exports." : "Left out of training exports.", "ok");
      } catch (e) {
        included.checked = !included.checked;
        say(rowStatus, "Not changed: " + e.message, "bad");
      } finally {
        included.disabled = false;
      }
    });
    const del = el("button", { type: "button", className: "danger delete", textContent: "Delete…" });
    del.disabled = !row.user_can_delete;
    const confirm = el("div", { className: "confirm", hidden: true, role: "alertdialog" });
    const released = (row.releases || []).map((r) => r.name).join(", ");
    const confirmText = el("p", { id: `confirm-${id}`, textContent: `Delete #${id} for good? Its media and every version of its text are erased; only an unlinkable leaf stays in the public log.` +
      (released ? ` It is withdrawn from release ${released}: later downloads leave it out and the public deletions list names it.` : "") });
    confirm.setAttribute("aria-labelledby", confirmText.id);
    const yes = el("button", { type: "button", className: "danger confirm-yes", textContent: "Yes, delete it" });
    const no = el("button", { type: "button", className: "secondary confirm-no", textContent: "Keep it" });
    confirm.append(confirmText, el("p", { className: "controls" }, yes, no));
    del.addEventListener("click", () => { confirm.hidden = false; no.focus(); });
    no.addEventListener("click", () => { confirm.hidden = true; del.focus(); });
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try {
        await api("DELETE", `/api/training-data/${id}`);
        item.remove();
        say(status, `Contribution #${id} was deleted.`, "ok");
      } catch (e) {
        yes.disabled = false;
        say(rowStatus, "Not deleted: " + e.message, "bad");
      }
    });
    item.append(
      el("div", { className: "controls" }, save,
        el("span", { className: "check" }, included, el("label", { htmlFor: inclId, textContent: "Use for training" })),
        del),
      confirm, rowStatus);
    return item;
  }

  /**
   * The published releases that hold a row, each with the row's proof: its leaf, the
   * SHA-256 of its line in the release's jsonl file (its manifest line), the manifest's
   * SHA-256 that the release's signed statement names, and where to check both.
   */
  function inReleases(row) {
    const names = row.releases.map((r) => r.name).join(", ");
    const details = el("details", { className: "release-details" },
      el("summary", { textContent: `In dataset release${row.releases.length === 1 ? "" : "s"} ${names}` }));
    const list = el("ul", { className: "release-list" });
    for (const r of row.releases) {
      const statement = el("a", { href: `/api/releases/${r.release}`, textContent: "signed statement" });
      const proof = row.verify_url ? el("a", { href: row.verify_url, textContent: "this row in the log" }) : "";
      list.append(el("li", {},
        el("strong", { textContent: `${r.name} (release ${r.release})` }), ": leaf ",
        el("span", { className: "mono", textContent: String(r.leaf_index) }), " · your row's line ",
        el("span", { className: "mono hash", textContent: r.row_sha256, title: "SHA-256 of the row's jsonl line" }), " · manifest ",
        el("span", { className: "mono hash", textContent: r.manifest_sha256, title: "SHA-256 of the release's manifest" }), " · ",
        statement, proof ? " · " : "", proof));
    }
    details.append(el("p", { className: "muted", textContent:
      "Each release's manifest lists this row's leaf, commitment and the hash of its line; the manifest's hash is signed and in the public log." }), list);
    return details;
  }

  /**
   * What was found in a row: opened, the text with each finding marked and listed;
   * for an image, a switch between the original and the redacted copy others get.
   */
  function personalData(row, media, rowStatus) {
    const n = row.pii_count;
    const details = el("details", { className: "pii-details" },
      el("summary", { textContent: `Personal data found: ${n} (masked in training exports)` }));
    const found = el("div");
    details.append(found);
    details.addEventListener("toggle", async () => {
      if (!details.open || found.childElementCount) return;
      try {
        const { body } = await api("GET", `/api/training-data/${row.id}/pii`);
        found.append(findingsView(row.extracted_text, body.findings));
      } catch (e) {
        say(rowStatus, "Could not load what was found: " + e.message, "bad");
      }
    });
    if (media && media.tagName === "IMG") {
      const toggleId = `redacted-${row.id}`;
      const toggle = el("input", { type: "checkbox", id: toggleId });
      toggle.addEventListener("change", () => {
        const path = new URL(row.media_url, location.href).pathname;
        loadBlob(media, toggle.checked ? path + "?redacted=true" : path)
          .catch((e) => say(rowStatus, "Could not load the image: " + e.message, "bad"));
      });
      details.append(el("p", { className: "check" }, toggle,
        el("label", { htmlFor: toggleId, textContent: "Show the image as exports and reviewers get it (redacted)" })));
    }
    return details;
  }

  async function load(reset) {
    const mine = reset ? ++generation : generation;
    if (reset) { list.replaceChildren(); cursor = null; }
    more.hidden = true;
    if (!token()) { say(status, "Save your token above to see your data.", ""); return; }
    say(status, "Loading…", "pending");
    const params = new URLSearchParams({ limit: "20" });
    if (filter.value) params.set("modality", filter.value);
    if (cursor) params.set("cursor", cursor);
    try {
      const { body } = await api("GET", "/api/training-data?" + params);
      if (mine !== generation) return;
      for (const row of body.items) list.append(render(row));
      cursor = body.next_cursor;
      more.hidden = !cursor;
      const n = list.children.length;
      say(status, n ? `${n} contribution${n === 1 ? "" : "s"} shown${cursor ? "; older ones below" : ""}.` : "Nothing here yet: contribute on the other pages.", "ok");
    } catch (e) {
      if (mine === generation) say(status, "Could not load your data: " + e.message, "bad");
    }
  }

  $("download").addEventListener("click", async () => {
    if (!token()) { say(status, "Save your token above first.", "bad"); return; }
    say(status, "Preparing your zip…", "pending");
    try {
      const resp = await fetch("/api/me/export", { headers: authHeaders() });
      if (!resp.ok) throw new Error((await resp.json().catch(() => ({}))).detail || `the server answered ${resp.status}`);
      const name = /filename="([^"]+)"/.exec(resp.headers.get("content-disposition") || "")?.[1] || "my-data.zip";
      const url = URL.createObjectURL(await resp.blob());
      const a = el("a", { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      say(status, `Downloaded ${name}.`, "ok");
    } catch (e) {
      say(status, "Could not download your data: " + e.message, "bad");
    }
  });
  more.addEventListener("click", () => load(false));
  filter.addEventListener("change", () => load(true));
  document.addEventListener("tds:token", () => load(true));
  load(true);

  // Replacing the token: confirmed, kept here, shown once.
  $("rotate").addEventListener("click", async () => {
    const tokenStatus = $("token-status");
    if (!token()) return say(tokenStatus, "Save your token above first.", "bad");
    if (!confirm("Replace your token? Every other browser and script using it will be refused.")) return;
    try {
      const { body } = await api("POST", "/api/me/token");
      keepToken(body.token);
      $("new-token-value").value = body.token;
      $("new-token").hidden = false;
      say(tokenStatus, "Done: the old token no longer works. This browser uses the new one.", "ok");
    } catch (e) {
      say(tokenStatus, "Could not replace the token: " + e.message, "bad");
    }
  });
  $("copy-token").addEventListener("click", async () => {
    const value = $("new-token-value").value;
    try {
      await navigator.clipboard.writeText(value);
      say($("token-status"), "Copied.", "ok");
    } catch {
      $("new-token-value").select();
      say($("token-status"), "Select the token and copy it yourself (the clipboard is not available here).", "");
    }
  });
})();
