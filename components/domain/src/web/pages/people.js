// The admin's people page (/admin/people): once signed in (admin.js), lists people (GET /api/users, filtered and
// paged) with their actions (PATCH a role, POST …/token to revoke or reissue, DELETE to
// close), the invitations (make, revoke) and the campaigns (open, close). Every change
// goes through the same API as curl and lands in the activity log.
"use strict";
(() => {
  const { $, call, signIn } = window.TDSAdmin;
  const say = (el, text, kind = "") => { el.textContent = text; el.dataset.kind = kind; };
  function cell(content) {
    const td = document.createElement("td");
    if (content instanceof Node) td.append(content); else td.textContent = content ?? "";
    return td;
  }
  function button(label, onClick, cls = "secondary") {
    const b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }
  const day = (t) => (t ? t.slice(0, 10) : "–");

  // People.
  let cursor = null;
  function peopleQuery() {
    const q = new URLSearchParams({ limit: "50" });
    for (const [id, key] of [["filter-role", "role"], ["filter-kind", "anonymous"], ["filter-state", "state"], ["filter-campaign", "campaign"]]) {
      const v = $(id).value.trim();
      if (v) q.set(key, v);
    }
    if (cursor) q.set("cursor", cursor);
    return q;
  }
  async function loadPeople(more = false) {
    if (!more) cursor = null;
    const page = await call("GET", "/api/users?" + peopleQuery());
    const body = $("people").querySelector("tbody");
    const rows = page.items.map(personRow);
    if (more) body.append(...rows); else body.replaceChildren(...rows);
    cursor = page.next_cursor;
    $("people-more").hidden = !cursor;
    say($("people-status"), body.children.length ? "" : "Nobody matches.");
  }
  async function act(what, work) {
    const status = $("people-status");
    try {
      await work();
      await loadPeople();
      say(status, what, "ok");
    } catch (e) {
      say(status, e.message, "bad");
    }
  }
  function personRow(p) {
    const tr = document.createElement("tr");
    tr.dataset.id = String(p.id);
    const kind = p.anonymous ? `anonymous (${p.campaign})` : p.invitation_id ? `invited (#${p.invitation_id})` : "added";
    const role = document.createElement("select");
    role.setAttribute("aria-label", `Role of #${p.id}`);
    role.className = "role";
    for (const r of ["contributor", "reviewer"]) role.append(new Option(r, r, false, r === p.role));
    role.disabled = !p.active;
    role.addEventListener("change", () => act(`#${p.id} is now a ${role.value}.`,
      () => call("PATCH", `/api/users/${p.id}`, { role: role.value })));
    const actions = document.createElement("span");
    if (p.active) {
      actions.append(
        button("Revoke token", () => act(`#${p.id}'s token no longer works.`,
          () => call("POST", `/api/users/${p.id}/token`, { reissue: false }))),
        " ",
        button("Reissue token", () => act(`#${p.id} has a new token (shown above, once).`, async () => {
          const r = await call("POST", `/api/users/${p.id}/token`, { reissue: true });
          $("reissued-who").textContent = p.name || `#${p.id}`;
          $("reissued-token").value = r.token;
          $("reissued").hidden = false;
        })),
        " ",
        button("Close account", () => {
          if (!confirm(`Close #${p.id}'s account? Every contribution of theirs is erased; this cannot be undone.`)) return;
          act(`#${p.id}'s account is closed.`, () => call("DELETE", `/api/users/${p.id}`));
        }, "danger"),
      );
    }
    tr.append(cell(p.id), cell(p.name || (p.anonymous ? "(anonymous)" : "")), cell(role), cell(kind),
      cell(day(p.created_at)), cell(p.last_seen || "–"), cell(p.contributions),
      cell(p.active ? "open" : "closed"), cell(actions));
    return tr;
  }

  // Invitations.
  async function loadInvitations() {
    const { items } = await call("GET", "/api/invitations");
    $("invitations").querySelector("tbody").replaceChildren(...items.map((i) => {
      const tr = document.createElement("tr");
      tr.dataset.id = String(i.id);
      const revoke = i.state === "active"
        ? button("Revoke", async () => {
          try { await call("DELETE", `/api/invitations/${i.id}`); await loadInvitations(); }
          catch (e) { say($("invite-status"), e.message, "bad"); }
        })
        : "";
      tr.append(cell(i.id), cell(i.role), cell(i.note), cell(`${i.uses_left} of ${i.max_uses}`),
        cell(day(i.expires_at)), cell(i.state.replace("_", " ")), cell(revoke));
      return tr;
    }));
  }
  $("invite").addEventListener("submit", async (e) => {
    e.preventDefault();
    const status = $("invite-status");
    try {
      const made = await call("POST", "/api/invitations", {
        role: $("invite-role").value,
        max_uses: Number($("invite-uses").value),
        expires_in_hours: Number($("invite-hours").value),
        note: $("invite-note").value,
      });
      $("invite-link").value = made.url;
      $("invite-link-box").hidden = false;
      say(status, `Invitation #${made.id} made: send the link above.`, "ok");
      await loadInvitations();
    } catch (err) {
      say(status, err.message, "bad");
    }
  });

  // Campaigns.
  async function loadCampaigns() {
    let items;
    try {
      ({ items } = await call("GET", "/api/campaigns"));
    } catch (e) {
      if (e.status !== 404) throw e;
      $("campaigns-off").hidden = false;
      $("campaign-form").hidden = true;
      return;
    }
    $("campaigns").querySelector("tbody").replaceChildren(...items.map((c) => {
      const tr = document.createElement("tr");
      tr.dataset.slug = c.slug;
      const link = document.createElement("a");
      link.href = c.url;
      link.textContent = `/c/${c.slug}`;
      const close = c.state === "active"
        ? button("Close", async () => {
          try { await call("DELETE", `/api/campaigns/${c.id}`); await loadCampaigns(); }
          catch (e) { say($("campaign-form-status"), e.message, "bad"); }
        })
        : "";
      tr.append(cell(c.id), cell(c.name), cell(link), cell(c.modalities.join(", ")), cell(c.contributions),
        cell(c.contributions_left ?? "no cap"), cell(c.participants), cell(c.state), cell(close));
      return tr;
    }));
  }
  $("campaign-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const status = $("campaign-form-status");
    const number = (id) => ($(id).value ? Number($(id).value) : null);
    const ends = $("campaign-ends").value;
    try {
      const made = await call("POST", "/api/campaigns", {
        slug: $("campaign-slug").value.trim(),
        name: $("campaign-title").value,
        modalities: [...document.querySelectorAll("input[name=modality]:checked")].map((c) => c.value),
        prompts: $("campaign-prompts").value.split("\n").map((p) => p.trim()).filter(Boolean),
        max_contributions: number("campaign-max"),
        daily_cap: number("campaign-daily"),
        ends_at: ends ? new Date(ends + "Z").toISOString() : null,
      });
      say(status, `Campaign open at ${made.url}`, "ok");
      await loadCampaigns();
    } catch (err) {
      say(status, err.message, "bad");
    }
  });

  signIn(async () => {
    await loadPeople();
    await Promise.all([loadInvitations(), loadCampaigns()]);
    $("people-page").hidden = false;
  });
  $("people-filter").addEventListener("submit", (e) => {
    e.preventDefault();
    loadPeople().catch((err) => say($("people-status"), err.message, "bad"));
  });
  $("people-more").addEventListener("click", () => loadPeople(true).catch((err) => say($("people-status"), err.message, "bad")));
})();
