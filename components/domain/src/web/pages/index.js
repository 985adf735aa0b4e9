// /: the "Your lore" form. The colour picker and the text field (hex or a colour
// name) stay in step; submitting POSTs /api/lore {color} and shows the archetype.
"use strict";
(() => {
  const { $, api } = window.TDS;
  const picker = $("lore-picker");
  const text = $("lore-color");
  const form = $("lore-form");
  const error = $("lore-error");
  const result = $("lore-result");
  const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

  /** "#abc" / "abc" / "#aabbcc" → "#aabbcc", or null for a name. */
  function normalHex(value) {
    const m = HEX.exec(value.trim());
    if (!m) return null;
    const h = m[1].length === 3 ? m[1].split("").map((c) => c + c).join("") : m[1];
    return "#" + h.toLowerCase();
  }

  picker.addEventListener("input", () => { text.value = picker.value; });
  text.addEventListener("input", () => {
    const hex = normalHex(text.value);
    if (hex) picker.value = hex;
  });

  function list(el, items) {
    el.replaceChildren(...(Array.isArray(items) ? items : []).map((item) => {
      const li = document.createElement("li");
      li.textContent = typeof item === "string" ? item : JSON.stringify(item);
      return li;
    }));
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    const raw = text.value.trim();
    if (!raw) {
      error.hidden = false;
      error.textContent = "Enter a colour.";
      return;
    }
    if (!window.TDS.token()) {
      error.hidden = false;
      error.textContent = "Save your API token in the bar at the top first.";
      $("token-input").focus();
      return;
    }
    const color = normalHex(raw) || raw.toLowerCase();
    const button = $("lore-submit");
    button.disabled = true;
    button.textContent = "Writing your lore…";
    try {
      const { body } = await api("POST", "/api/lore", { color });
      $("lore-archetype").textContent = body.archetype || "Your archetype";
      $("lore-story").textContent = body.origin_story || "";
      list($("lore-powers"), body.powers);
      list($("lore-weaknesses"), body.weaknesses);
      $("lore-swatch").style.background = normalHex(body.color || "") || color;
      const link = $("lore-profile");
      const profile = body.profile_url || (body.user_id != null ? `/u/${encodeURIComponent(body.user_id)}` : null);
      if (profile) {
        link.href = profile;
        link.hidden = false;
      } else {
        link.hidden = true;
      }
      result.hidden = false;
      result.dataset.generator = body.generator || "";
    } catch (err) {
      error.hidden = false;
      error.textContent = "Could not write your lore: " + err.message;
    } finally {
      button.disabled = false;
      button.textContent = "Reveal my lore";
    }
  });
})();
