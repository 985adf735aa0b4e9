// /write: sends the text as modality=text (POST /api/unified-input, JSON), with the
// campaign and its prompt when the page was opened from one, and shows the row and its
// proof.
"use strict";
(() => {
  const { $, api, say, showRow, resetResult, campaign } = window.TDS;
  const form = $("write-form");
  const status = $("status");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $("write-text").value;
    if (!text.trim()) return say(status, "Write something first.", "bad");
    resetResult();
    $("write-submit").disabled = true;
    try {
      if (!(await campaign.ensureToken(status))) return;
      say(status, "Sending…", "pending");
      const { body } = await api("POST", "/api/unified-input", { modality: "text", text, ...campaign.fields() });
      showRow(body);
      say(status, body.duplicate
        ? `You sent this before: contribution #${body.id}.`
        : `Stored as contribution #${body.id}.`, "ok");
      if (!body.duplicate) { form.reset(); campaign.answered(); }
    } catch (err) {
      say(status, "Not sent: " + err.message, "bad");
    } finally {
      $("write-submit").disabled = false;
    }
  });
})();
