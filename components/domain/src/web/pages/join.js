// /join#<code>: redeems the invitation in the link's fragment (POST /api/join {code,
// name}); keeps the new token in this browser and shows it once. An unknown, used-up,
// expired or revoked code gets the server's own explanation.
"use strict";
(() => {
  const { $, api, say, keepToken } = window.TDS;
  const form = $("join-form");
  const status = $("join-status");
  const code = decodeURIComponent(location.hash.slice(1));
  if (!code) {
    say(status, "This page needs the whole invitation link, including the part after #.", "bad");
    $("join-submit").disabled = true;
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const name = $("join-name").value.trim();
    if (!name) return say(status, "Please enter a name.", "bad");
    $("join-submit").disabled = true;
    say(status, "Joining…", "pending");
    try {
      const { body } = await api("POST", "/api/join", { code, name });
      keepToken(body.token);
      $("joined-name").textContent = body.name;
      $("joined-token").value = body.token;
      $("joined").hidden = false;
      form.hidden = true;
      say(status, `You joined as ${body.role}.`, "ok");
      // The code is spent: keep it out of the address bar and the history.
      history.replaceState(null, "", "/join");
    } catch (err) {
      say(status, err.message, "bad");
      $("join-submit").disabled = false;
    }
  });
  $("joined-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("joined-token").value);
      say(status, "Copied.", "ok");
    } catch {
      $("joined-token").select();
      say(status, "Select the token and copy it yourself (the clipboard is not available here).", "");
    }
  });
})();
