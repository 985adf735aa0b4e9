// In-browser verification of the transparency log: RFC 9162 inclusion proofs, the
// checkpoint's Ed25519 signed-note signature, witnesses' cosignatures (C2SP
// tlog-cosignature, cosignature/v1) and salted commitments. No dependencies.
const enc = new TextEncoder();
const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const fromHex = (h) => new Uint8Array((h.match(/[0-9a-fA-F]{2}/g) || []).map((x) => parseInt(x, 16)));
async function sha256(...parts) {
  const buf = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { buf.set(p, o); o += p.length; }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
}
const leafHash = (data) => sha256(new Uint8Array([0]), data);
const nodeHash = (l, r) => sha256(new Uint8Array([1]), l, r);

// RFC 9162 section 2.1.3.2.
async function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size || leaf.length !== 32 || root.length !== 32) return false;
  let fn = BigInt(index), sn = BigInt(size) - 1n, r = leaf;
  for (const p of proof) {
    if (sn === 0n || p.length !== 32) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && hex(r) === hex(root);
}

// A C2SP checkpoint signed as a signed note: returns {origin, size, root} or throws.
async function verifyCheckpoint(note, verifierKey) {
  const i = verifierKey.indexOf("+"), j = verifierKey.indexOf("+", i + 1);
  const name = verifierKey.slice(0, i), id = verifierKey.slice(i + 1, j), key = verifierKey.slice(j + 1);
  const raw = b64(key);
  if (raw.length !== 33 || raw[0] !== 1) throw new Error("verifier key is not Ed25519");
  const split = note.indexOf("\n\n");
  if (split < 0) throw new Error("checkpoint has no signature");
  const body = note.slice(0, split + 1);
  const prefix = "\u2014 " + name + " ";
  const pub = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
  let ok = false;
  for (const line of note.slice(split + 2).split("\n")) {
    if (!line.startsWith(prefix)) continue;
    const blob = b64(line.slice(prefix.length));
    if (blob.length !== 68 || hex(blob.slice(0, 4)) !== id) continue;
    if (await crypto.subtle.verify({ name: "Ed25519" }, pub, blob.slice(4), enc.encode(body))) ok = true;
  }
  if (!ok) throw new Error("signature does not verify");
  const [origin, size, root] = body.split("\n");
  return { origin, size: Number(size), root: b64(root) };
}

// Each witness's cosignature on the checkpoint note: [{name, found, ok, time}] in the
// order of `witnessKeys` (name+id+base64(0x04 || key)); found: the note has a line of
// that key, ok: one verifies. A cosignature signs "cosignature/v1\ntime <t>\n" + the
// note's text.
async function verifyCosignatures(note, witnessKeys) {
  const split = note.indexOf("\n\n");
  const body = note.slice(0, split + 1), lines = split < 0 ? [] : note.slice(split + 2).split("\n");
  const out = [];
  for (const vkey of witnessKeys) {
    const i = vkey.indexOf("+"), j = vkey.indexOf("+", i + 1);
    const name = vkey.slice(0, i), id = vkey.slice(i + 1, j), raw = b64(vkey.slice(j + 1));
    const result = { name, found: false, ok: false, time: null };
    if (raw.length === 33 && raw[0] === 4) {
      const pub = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
      for (const line of lines) {
        if (!line.startsWith("\u2014 " + name + " ")) continue;
        const blob = b64(line.slice(name.length + 3));
        if (blob.length !== 76 || hex(blob.slice(0, 4)) !== id) continue;
        result.found = true;
        const t = new DataView(blob.buffer, blob.byteOffset + 4, 8).getBigUint64(0);
        const msg = enc.encode("cosignature/v1\ntime " + t + "\n" + body);
        if (await crypto.subtle.verify({ name: "Ed25519" }, pub, blob.slice(12), msg)) {
          result.ok = true;
          result.time = new Date(Number(t) * 1000).toISOString();
        }
      }
    }
    out.push(result);
  }
  return out;
}

// Renders verifyCosignatures' results into a list element.
function showCosignatures(list, results) {
  list.innerHTML = "";
  if (!results.length) list.innerHTML = "<li>No witnesses are configured for this log.</li>";
  for (const r of results) {
    const li = document.createElement("li");
    li.className = "witness";
    li.innerHTML = '<span class="status"></span> <code></code>';
    const [cls, text] = r.ok ? ["ok", "Cosigned " + r.time + " (verified)"]
      : r.found ? ["bad", "Cosignature FAILED to verify"] : ["pending", "Not cosigned yet"];
    li.querySelector(".status").className = "status " + cls;
    li.querySelector(".status").textContent = text;
    li.querySelector("code").textContent = r.name;
    list.appendChild(li);
  }
}

// SHA-256(salt || SHA-256(content)) against the published commitment.
async function checkCommitment(contentBytes, saltHex, commitmentHex) {
  const hash = await sha256(contentBytes);
  return hex(await sha256(fromHex(saltHex), hash)) === commitmentHex.toLowerCase();
}
