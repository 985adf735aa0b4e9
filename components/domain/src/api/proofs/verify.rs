//! `GET /verify/{code}`: the public proof page a QR code leads to (HTML, or JSON with
//! `Accept: application/json`). It shows only the salted commitment, the leaf and its
//! inclusion in the latest checkpoint — never content, owner, text or anything derived
//! from the unsalted content hash. Every view is logged as a QR scan.

use crate::api::{base_url, json, Context, Params, Request, Response};
use crate::error::ApiError;
use crate::ledger;
use crate::proof::{commitment, encodings};
use crate::store::{contributions, merkle};
use crate::web::{escape, page, VERIFIER_JS};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::{json, Value};
use tlog::merkle as tree;

/// `GET /verify/{code}`: the proof page of one contribution.
pub fn proof_page(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let code = params.get("code");
    if !commitment::is_verification_code(code) {
        return Err(ApiError::bad_request(
            "that is not a verification code (22 URL-safe characters)",
        ));
    }
    let row = contributions::get_by_code(ctx.db, code)?
        .ok_or_else(|| ApiError::not_found("no contribution has this verification code"))?;
    let index = row
        .leaf_index
        .ok_or_else(|| ApiError::not_found("this contribution has no log leaf"))?
        as u64;
    let key = Some(crate::signing::log_key(ctx.db, &ctx.settings)?);
    let checkpoint =
        crate::usecase::proofs::scanned(ctx.db, &ctx.origin(req), index, key.as_ref())?;
    let size = match &checkpoint {
        Some(c) if c.size > index => c.size,
        _ => merkle::size(ctx.db)?,
    };
    let leaf = merkle::leaf(ctx.db, index)?
        .ok_or_else(|| ApiError::internal("the leaf is missing from the log"))?;
    let leaf_hash = tree::leaf_hash(&leaf.data);
    let proof = ledger::inclusion(ctx.db, index, size)?;
    let root = ledger::root(ctx.db, size)?;
    let proof_bytes: Vec<Vec<u8>> = proof.iter().map(|h| h.to_vec()).collect();
    let signed = checkpoint.as_ref().filter(|c| c.size == size);
    let note = signed
        .map(|c| super::tiled_log::cosigned_note(ctx, c))
        .transpose()?;
    let verified = tree::verify_inclusion(index, size, &leaf_hash, &proof_bytes, &root).is_ok()
        && signed.is_none_or(|c| c.root == root);
    let data = json!({
        "verification_code": code,
        "commitment": row.commitment,
        "leaf_index": index,
        "logged_at": leaf.created_at,
        "leaf_data": B64.encode(&leaf.data),
        "leaf_hash": B64.encode(leaf_hash),
        "inclusion": {
            "tree_size": size,
            "root_hash": B64.encode(root),
            "proof": proof.iter().map(|h| B64.encode(h)).collect::<Vec<_>>(),
            "verified": verified,
        },
        "checkpoint": signed.map(|c| json!({ "tree_size": c.size, "note": note, "created_at": c.created_at })),
        "verifier_key": key.as_ref().map(|k| k.verifier_key()),
        "witnesses": ctx.settings.log_witnesses.iter().map(|w| w.key.verifier_key()).collect::<Vec<_>>(),
    });
    let wants_json = req
        .headers()
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    if wants_json {
        return Ok(json(200, &data));
    }
    let url = format!("{}/verify/{code}", base_url(ctx, req));
    Ok(http::Response::builder()
        .status(200)
        .header("content-type", "text/html; charset=utf-8")
        .body(render(&data, &url).into_bytes())
        .unwrap_or_default())
}

fn render(data: &Value, url: &str) -> String {
    let text = |v: &Value| escape(v.as_str().unwrap_or(""));
    let verified = data["inclusion"]["verified"].as_bool().unwrap_or(false);
    let signed = data["checkpoint"].is_object();
    let server_status = match (verified, signed) {
        (true, true) => "<span class=\"status ok\">Included in the signed checkpoint (checked by the server)</span>",
        (true, false) => "<span class=\"status pending\">Included in the log; no signed checkpoint yet</span>",
        _ => "<span class=\"status bad\">Inclusion could not be verified</span>",
    };
    let embedded = data.to_string().replace("</", "<\\/");
    let body = format!(
        r#"<h1><span class="tag">Proof</span> of a contribution</h1>
<section class="card">
  <h2>What the public log holds</h2>
  <dl>
    <dt>Commitment</dt><dd><code id="commitment">{commitment}</code></dd>
    <dt>Leaf index</dt><dd id="leaf-index">{index}</dd>
    <dt>Logged at</dt><dd>{logged_at}</dd>
    <dt>Tree size</dt><dd>{size}</dd>
    <dt>Root hash</dt><dd><code>{root}</code></dd>
  </dl>
  <p>{server_status}</p>
  <p>The commitment is SHA-256(salt ‖ SHA-256(content)). Without the salt, which only the
  contributor holds, it reveals nothing about the content.</p>
</section>
<section class="card purple">
  <h2>Checked in your browser</h2>
  <p id="browser-check"><span class="status pending">Checking…</span></p>
  <p id="signature-check"></p>
  <h3>Witnesses</h3>
  <p>Independent witnesses cosign a checkpoint only after checking that it extends every
  checkpoint they saw before, so the log cannot show different people different trees.</p>
  <ul id="witness-check"><li><span class="status pending">Checking…</span></li></ul>
</section>
<section class="card">
  <h2>Prove you hold the content</h2>
  <label for="content-text">Text content</label>
  <textarea id="content-text" rows="3"></textarea>
  <label for="content-file">…or the original file</label>
  <input id="content-file" type="file">
  <label for="salt">Salt (hex, from your own view of the contribution)</label>
  <input id="salt" autocomplete="off">
  <p><button id="check-commitment" type="button">Check</button> <span id="commitment-result" role="status"></span></p>
</section>
<section class="card">
  <h2>This page</h2>
  <div class="qr">{qr}</div>
  <p><code>{url}</code></p>
</section>
<script type="application/json" id="proof-data">{embedded}</script>
<script>{VERIFIER_JS}
(async () => {{
  const d = JSON.parse(document.getElementById("proof-data").textContent);
  const out = document.getElementById("browser-check");
  const inc = d.inclusion;
  const leaf = await leafHash(b64(d.leaf_data));
  const ok = hex(leaf) === hex(b64(d.leaf_hash)) &&
    await verifyInclusion(d.leaf_index, inc.tree_size, leaf, inc.proof.map(b64), b64(inc.root_hash));
  out.innerHTML = ok ? '<span class="status ok">Inclusion proof verified</span>'
                     : '<span class="status bad">Inclusion proof FAILED</span>';
  const sig = document.getElementById("signature-check");
  if (d.checkpoint && d.verifier_key) {{
    try {{
      const cp = await verifyCheckpoint(d.checkpoint.note, d.verifier_key);
      const match = cp.size === inc.tree_size && hex(cp.root) === hex(b64(inc.root_hash));
      sig.innerHTML = match ? '<span class="status ok">Checkpoint signature verified</span>'
                            : '<span class="status bad">Checkpoint does not match the proof</span>';
    }} catch (e) {{
      sig.innerHTML = '<span class="status bad">Checkpoint signature: ' + e.message + '</span>';
    }}
  }}
  showCosignatures(document.getElementById("witness-check"),
    d.checkpoint ? await verifyCosignatures(d.checkpoint.note, d.witnesses) : []);
  document.getElementById("check-commitment").addEventListener("click", async () => {{
    const file = document.getElementById("content-file").files[0];
    const bytes = file ? new Uint8Array(await file.arrayBuffer()) : enc.encode(document.getElementById("content-text").value);
    const match = await checkCommitment(bytes, document.getElementById("salt").value.trim(), d.commitment);
    document.getElementById("commitment-result").innerHTML = match
      ? '<span class="status ok">Match: this content and salt make the commitment</span>'
      : '<span class="status bad">No match</span>';
  }});
}})();
</script>"#,
        commitment = text(&data["commitment"]),
        index = data["leaf_index"],
        logged_at = text(&data["logged_at"]),
        size = data["inclusion"]["tree_size"],
        root = text(&data["inclusion"]["root_hash"]),
        qr = encodings::qr_svg(url),
        url = escape(url),
    );
    page("Proof of a contribution", &body)
}
