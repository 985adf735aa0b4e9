// Shared by the admin pages (/admin/logs, /admin/people): the sign-in card that asks
// for the admin token once (kept in this tab's session storage, sent as a bearer
// header, never a cookie), signing out, and the admin API call with problem+json errors.
"use strict";
window.TDSAdmin = (() => {
  const KEY = "admin_token";
  const store = window.sessionStorage;
  const $ = (id) => document.getElementById(id);

  /** The admin's bearer header, for a fetch of a file. */
  const headers = () => ({ authorization: "Bearer " + store.getItem(KEY) });

  /** An admin API call; throws an Error with the problem's detail and its `status`. */
  async function call(method, path, body) {
    const init = { method, headers: headers() };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const r = await fetch(path, init);
    const data = await r.json().catch(() => null);
    if (!r.ok) {
      const e = new Error((data && (data.detail || data.title)) || r.statusText);
      e.status = r.status;
      throw e;
    }
    return data;
  }

  /**
   * Wires the sign-in card (#login-card, #login, #token, #login-error) and the
   * #signout button to the page: `load` fetches and shows it, and runs at once when
   * this tab already holds the token.
   */
  function signIn(load) {
    const open = async () => {
      await load();
      $("login-card").hidden = true;
    };
    $("login").addEventListener("submit", async (e) => {
      e.preventDefault();
      store.setItem(KEY, $("token").value);
      try { await open(); } catch (err) { store.removeItem(KEY); $("login-error").textContent = err.message; }
    });
    $("signout").addEventListener("click", () => { store.removeItem(KEY); location.reload(); });
    if (store.getItem(KEY)) open().catch(() => store.removeItem(KEY));
  }

  return { $, call, headers, signIn };
})();
