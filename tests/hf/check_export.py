"""Loads an unpacked `format=hf` export with the real Hugging Face `datasets` library
and checks it against what the API said, row by row.

    python check_export.py DIR EXPECTED.json CONFIG...

EXPECTED.json: {"rows": [{"id", "modality", "text", "content_hash", "language",
"segments", "words"}, ...]} for every exported row (segments and words as the hf
columns carry them: lists of {start, end, text} and {x, y, w, h, text, confidence}). Every named config is loaded with verification_mode="all_checks" (the
card's features and split sizes must match the files), every row is read and its
media decoded (a missing or undecodable file only fails when its row is read), and
texts, what the engine located (a voice row's language and segments, an image row's
words) and media bytes (by SHA-256) are compared with the API's. The default config
must load with one call. A copy whose card claims one row too many must fail the
checks, so the checks are known to be live. Prints one line per config.
"""

import hashlib
import json
import shutil
import sys
import tempfile

import datasets

MEDIA = {"voice": "audio", "screenshot": "image", "drawing": "image"}


def load(path, config=None):
    return datasets.load_dataset(path, config, split="train", verification_mode="all_checks")


def check_config(path, config, expected):
    rows = [r for r in expected if config == "all" or r["modality"] == config]
    ds = load(path, config)
    assert len(ds) == len(rows), f"{config}: {len(ds)} rows, expected {len(rows)}"
    by_id = {r["id"]: r for r in rows}
    column = MEDIA.get(config)
    decoded = 0
    for row in ds:  # every row, media decoded by the feature
        want = by_id[row["id"]]
        assert row["modality"] == want["modality"], (row["id"], row["modality"])
        assert row["text"] == want["text"], (row["id"], row["text"], want["text"])
        if column == "audio":
            assert row["language"] == want["language"], (row["id"], row["language"])
            got = [dict(s) for s in (row["segments"] or [])]
            assert got == want["segments"], (row["id"], got, want["segments"])
            audio = row["audio"]
            assert audio["sampling_rate"] > 0 and len(audio["array"]) > 0, row["id"]
            decoded += 1
        elif column == "image":
            got = [dict(w) for w in (row["words"] or [])]
            assert got == want["words"], (row["id"], got, want["words"])
            image = row["image"]
            image.load()
            assert image.size[0] > 0 and image.size[1] > 0, row["id"]
            decoded += 1
    if column:
        raw = ds.cast_column(column, type(ds.features[column])(decode=False))
        for row in raw:
            digest = hashlib.sha256(row[column]["bytes"]).hexdigest()
            assert digest == by_id[row["id"]]["content_hash"], (row["id"], "media bytes differ")
    return len(ds), decoded


def tampered_card_fails(path):
    with tempfile.TemporaryDirectory() as tmp:
        copy = shutil.copytree(path, f"{tmp}/copy")
        card = open(f"{copy}/README.md", encoding="utf-8").read()
        head, rest = card.split("num_examples: ", 1)
        n, tail = rest.split("\n", 1)
        open(f"{copy}/README.md", "w", encoding="utf-8").write(f"{head}num_examples: {int(n) + 1}\n{tail}")
        try:
            load(copy)
        except datasets.exceptions.NonMatchingSplitsSizesError:
            return True
        except Exception as e:  # another check fired
            return type(e).__name__.endswith("SplitsSizesError")
        return False


def main():
    path, expected_file, *configs = sys.argv[1:]
    expected = json.load(open(expected_file, encoding="utf-8"))["rows"]
    default = datasets.load_dataset(path, split="train", verification_mode="all_checks")
    assert len(default) == len(expected), f"default config: {len(default)} rows"
    print(f"datasets {datasets.__version__}: default config, {len(default)} rows")
    for config in configs:
        n, decoded = check_config(path, config, expected)
        print(f"datasets {datasets.__version__}: {config}, {n} rows read, {decoded} media decoded")
    assert tampered_card_fails(path), "a card with a wrong row count was accepted"
    print(f"datasets {datasets.__version__}: a wrong row count in the card fails all_checks")


if __name__ == "__main__":
    main()
