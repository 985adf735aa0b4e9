// /adjudicate: lists the rows waiting for an adjudicator (GET /api/review/adjudications)
// with their media and proposed texts side by side; "Use this text", a written text or
// "Reject" settles one (POST /api/training-data/{id}/adjudicate).
"use strict";
(() => {
  const { $, api, say, token, mediaElement } = window.TDS;
  const status = $("adjudicate-status");
  const list = $("disputes");

  function el(tag, props = {}, ...children) {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  }

  async function settle(row, decision, text) {
    const body = { decision };
    if (text !== undefined) body.text = text;
    try {
      const { body: after } = await api("POST", `/api/training-data/${row.id}/adjudicate`, body);
      await load();
      say(status, `Row #${row.id} is now ${after.review_state}.`, "ok");
    } catch (e) {
      say(status, `Row #${row.id}: ${e.message}`, "bad");
    }
  }

  function card(row) {
    const item = el("li", { className: "card row-item" });
    item.dataset.id = String(row.id);
    item.append(el("h3", {}, el("span", { className: "status", textContent: row.modality }), ` #${row.id}`));
    const media = mediaElement(row, (e) => say(status, "Could not load the media: " + e.message, "bad"));
    if (media) item.append(media);
    const proposals = el("ul", { className: "proposals" });
    for (const p of row.proposals) {
      const use = el("button", { type: "button", className: "use", textContent: "Use this text" });
      use.addEventListener("click", () => settle(row, "accept", p.text));
      proposals.append(el("li", {}, el("blockquote", { className: "extracted", textContent: p.text }),
        el("p", { className: "muted", textContent: `${p.accepts} accepted this` }), use));
    }
    const textId = `own-${row.id}`;
    const own = el("textarea", { id: textId, rows: 3, value: row.extracted_text || "" });
    const write = el("button", { type: "button", className: "secondary write", textContent: "Accept my text" });
    write.addEventListener("click", () => settle(row, "accept", own.value));
    const reject = el("button", { type: "button", className: "danger reject", textContent: "Reject the row" });
    reject.addEventListener("click", () => settle(row, "reject"));
    item.append(proposals, el("p", { className: "muted", textContent: `${row.rejections} rejected it.` }),
      el("label", { htmlFor: textId, textContent: "Or write the right text" }), own,
      el("p", { className: "controls" }, write, reject));
    return item;
  }

  async function load() {
    if (!token()) {
      list.replaceChildren();
      say(status, "Save an adjudicator's token above to start.", "");
      return;
    }
    try {
      const { body } = await api("GET", "/api/review/adjudications");
      list.replaceChildren(...body.items.map(card));
      const n = body.items.length;
      if (!n) say(status, "Nothing to settle: every disagreement is decided.", "ok");
      else say(status, `${n} ${n === 1 ? "row" : "rows"} to settle.`, "");
    } catch (e) {
      list.replaceChildren();
      say(status, "Could not list the rows: " + e.message, "bad");
    }
  }

  document.addEventListener("tds:token", load);
  load();
})();
