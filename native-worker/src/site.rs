//! The static site's `index.html`: what the log is, how to verify it, the latest
//! checkpoint and public key, aggregate counts, and a verifier that works from the
//! static files alone (tiles, entry bundles, checkpoint; WebCrypto, no external script).

use domain::web::{escape, page, VERIFIER_JS};
use serde_json::Value;

/// Renders the index page for the checkpoint `note` (with its cosignatures) and the
/// dataset `releases` (`GET /api/releases`).
pub fn index_html(summary: &Value, note: &str, size: u64, releases: &Value) -> String {
    let text = |v: &Value| escape(v.as_str().unwrap_or(""));
    let rows = |key: &str| -> String {
        counts(summary, key)
            .iter()
            .map(|(k, n)| format!("<tr><td>{}</td><td>{n}</td></tr>", escape(k)))
            .collect()
    };
    let body = format!(
        r#"<h1><span class="tag">Public</span> contribution log</h1>
<section class="card">
  <h2>What this is</h2>
  <p>An append-only Merkle log (RFC 6962) of contributions to {origin}. Each leaf holds
  only a sequence number, a salted commitment SHA-256(salt ‖ SHA-256(content)) and a time:
  no content, no names, no addresses. A contributor who keeps the salt can prove a leaf is
  theirs; a deleted contribution's salt is destroyed, so its leaf links to nothing
  (see <a href="deleted.txt">deleted.txt</a>).</p>
  <p>The log is published in the C2SP <code>tlog-tiles</code> layout (<code>tile/…</code>) with a
  signed checkpoint (<a href="checkpoint">checkpoint</a>, Ed25519 signed note) and its public key
  (<a href="key.txt">key.txt</a>).</p>
</section>
<section class="card purple">
  <h2>Verify a contribution</h2>
  <label for="leaf">Leaf index or verification code</label>
  <input id="leaf" placeholder="e.g. 0 or the code at the end of a /verify/ link">
  <p><button id="verify" type="button">Verify</button></p>
  <div id="result" role="status"></div>
</section>
<section class="card">
  <h2>Latest checkpoint</h2>
  <p>{size} leaves.</p>
  <pre class="mono" id="checkpoint-text">{checkpoint}</pre>
  <p>Public key: <code id="public-key">{key}</code></p>
</section>
<section class="card">
  <h2>Witnesses</h2>
  <p>Independent witnesses cosign a checkpoint only after checking that it extends every
  checkpoint they saw before (C2SP <code>tlog-witness</code>), so the log cannot show
  different people different trees. Their keys: <a href="witnesses.txt">witnesses.txt</a>.</p>
  <ul id="witness-check"><li><span class="status pending">Checking…</span></li></ul>
</section>
<section class="card">
  <h2>Dataset releases</h2>
  <p>Each release's manifest (one line per row: leaf index, commitment, SHA-256 of the row and
  of its media) is hashed, signed under the log's key and appended to this log as a release
  leaf. Rows erased since are listed, by release, leaf and commitment, in the signed
  <a href="releases/deletions">deletions list</a>: drop them from your copy.</p>
  <table id="releases"><thead><tr><th>release</th><th>rows</th><th>checkpoint</th><th>leaf</th><th>manifest SHA-256</th><th>withdrawn</th></tr></thead><tbody>{releases}</tbody></table>
</section>
<section class="card">
  <h2>Contributions</h2>
  <table><thead><tr><th>modality</th><th>count</th></tr></thead><tbody>{modality}</tbody></table>
  <table><thead><tr><th>day</th><th>count</th></tr></thead><tbody>{day}</tbody></table>
</section>
<script>{VERIFIER_JS}
const WIDTH = 256;
function encodeIndex(n) {{
  let s = String(n);
  while (s.length % 3) s = "0" + s;
  const g = s.match(/.{{3}}/g);
  return g.map((x, i) => (i < g.length - 1 ? "x" + x : x)).join("/");
}}
const tileWidth = (level, index, size) => Math.max(0, Math.min(WIDTH, Math.floor(size / 2 ** (8 * level)) - index * WIDTH));
const withWidth = (base, w) => (w < WIDTH ? `${{base}}.p/${{w}}` : base);
const cache = new Map();
function fetchBytes(path) {{
  if (!cache.has(path)) {{
    cache.set(path, fetch(path, {{ cache: "no-store" }}).then((r) => {{
      if (!r.ok) throw new Error(`${{path}}: HTTP ${{r.status}}`);
      return r.arrayBuffer();
    }}).then((b) => new Uint8Array(b)));
  }}
  return cache.get(path);
}}
async function perfectRoot(hashes) {{
  while (hashes.length > 1) {{
    const next = [];
    for (let i = 0; i < hashes.length; i += 2) next.push(await nodeHash(hashes[i], hashes[i + 1]));
    hashes = next;
  }}
  return hashes[0];
}}
async function node(size, h, k) {{
  const level = Math.floor(h / 8), rest = h % 8, first = k * 2 ** rest, tile = Math.floor(first / WIDTH);
  const bytes = await fetchBytes(withWidth(`tile/${{level}}/${{encodeIndex(tile)}}`, tileWidth(level, tile, size)));
  const start = (first % WIDTH) * 32, n = 2 ** rest;
  if (bytes.length < start + 32 * n) throw new Error(`tile ${{level}}/${{tile}} is too short`);
  const hashes = [];
  for (let i = 0; i < n; i++) hashes.push(bytes.slice(start + 32 * i, start + 32 * (i + 1)));
  return perfectRoot(hashes);
}}
function split(n) {{ let k = 1; while (k * 2 < n) k *= 2; return k; }}
async function subtree(size, a, b) {{
  const n = b - a;
  if (Number.isInteger(Math.log2(n)) && a % n === 0) return node(size, Math.log2(n), a / n);
  const k = split(n);
  return nodeHash(await subtree(size, a, a + k), await subtree(size, a + k, b));
}}
async function auditPath(size, m, a, b, out) {{
  if (b - a <= 1) return out;
  const k = split(b - a);
  if (m < a + k) {{ await auditPath(size, m, a, a + k, out); out.push(await subtree(size, a + k, b)); }}
  else {{ await auditPath(size, m, a + k, b, out); out.push(await subtree(size, a, a + k)); }}
  return out;
}}
function parseBundle(bytes) {{
  const out = [];
  for (let o = 0; o < bytes.length;) {{
    const n = (bytes[o] << 8) | bytes[o + 1];
    out.push(bytes.slice(o + 2, o + 2 + n));
    o += 2 + n;
  }}
  return out;
}}
async function verifyLeaf(input) {{
  const note = new TextDecoder().decode(await fetchBytes("checkpoint"));
  const key = new TextDecoder().decode(await fetchBytes("key.txt")).trim();
  const cp = await verifyCheckpoint(note, key);
  let index = Number(input);
  if (!/^\d+$/.test(input)) {{
    const digest = hex(await sha256(enc.encode(input)));
    index = Number(new TextDecoder().decode(await fetchBytes("v/" + digest)).trim());
  }}
  if (!(index >= 0 && index < cp.size)) throw new Error(`leaf ${{index}} is not in the checkpoint's ${{cp.size}} leaves`);
  const t = Math.floor(index / WIDTH);
  const bundle = parseBundle(await fetchBytes(withWidth(`tile/entries/${{encodeIndex(t)}}`, tileWidth(0, t, cp.size))));
  const data = bundle[index % WIDTH];
  if (!data) throw new Error("the entry bundle lacks this leaf");
  const leaf = await leafHash(data);
  if (hex(leaf) !== hex(await node(cp.size, 0, index))) throw new Error("the entry does not match the leaf tile");
  const proof = await auditPath(cp.size, index, 0, cp.size, []);
  if (!(await verifyInclusion(index, cp.size, leaf, proof, cp.root))) throw new Error("the inclusion proof does not reach the signed root");
  return {{ index, size: cp.size, text: new TextDecoder().decode(data) }};
}}
(async () => {{
  const note = new TextDecoder().decode(await fetchBytes("checkpoint"));
  const keys = new TextDecoder().decode(await fetchBytes("witnesses.txt")).split("\n").filter((l) => l.trim());
  showCosignatures(document.getElementById("witness-check"), await verifyCosignatures(note, keys));
}})();
document.getElementById("verify").addEventListener("click", async () => {{
  const out = document.getElementById("result");
  out.innerHTML = '<span class="status pending">Checking…</span>';
  try {{
    const r = await verifyLeaf(document.getElementById("leaf").value.trim());
    const lines = r.text.trim().split("\n");
    out.innerHTML = '<p><span class="status ok">Verified: leaf ' + r.index + ' is in the signed checkpoint of ' + r.size +
      ' leaves</span></p><p>Commitment <code class="commitment"></code>, logged <span class="logged"></span></p>';
    out.querySelector(".commitment").textContent = lines[2] || "";
    out.querySelector(".logged").textContent = lines[3] || "";
  }} catch (e) {{
    out.innerHTML = '<span class="status bad">Verification FAILED</span> <span class="reason"></span>';
    out.querySelector(".reason").textContent = e.message;
  }}
}});
</script>"#,
        origin = text(&summary["origin"]),
        checkpoint = escape(note),
        key = text(&summary["verifier_key"]),
        modality = rows("modality"),
        day = rows("day"),
        releases = release_rows(releases),
    );
    page("Public contribution log", &body)
}

/// One table row per published release.
fn release_rows(releases: &Value) -> String {
    let published = releases["releases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["state"] == "published");
    let rows: String = published
        .map(|r| {
            let text = |v: &Value| escape(&v.as_str().map_or_else(|| v.to_string(), str::to_string));
            format!(
                "<tr><td>{} (#{})</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                text(&r["name"]),
                text(&r["number"]),
                text(&r["rows"]),
                text(&r["checkpoint"]["size"]),
                text(&r["leaf_index"]),
                text(&r["manifest_sha256"]),
                text(&r["withdrawn"]),
            )
        })
        .collect();
    if rows.is_empty() {
        return "<tr><td colspan=\"6\">No release yet.</td></tr>".into();
    }
    rows
}

/// The counts the index page shows, by key.
fn counts(summary: &Value, key: &str) -> Vec<(String, i64)> {
    summary["counts"][key]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_i64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}
