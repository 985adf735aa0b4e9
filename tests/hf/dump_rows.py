"""Loads one config of an unpacked `format=hf` export with the real Hugging Face
`datasets` library (verification_mode="all_checks") and writes what a user of the
dataset gets: OUT/rows.json (every row's id, modality, text, segments and words) and,
for an image config, each row's image file as exported (OUT/<id>.<ext>), so a test can
read the pixels.

    python dump_rows.py DIR CONFIG OUT
"""

import json
import os
import sys

import datasets


def main():
    path, config, out = sys.argv[1:4]
    ds = datasets.load_dataset(path, config, split="train", verification_mode="all_checks")
    rows = []
    media = "image" if "image" in ds.features else "audio" if "audio" in ds.features else None
    raw = ds.cast_column(media, type(ds.features[media])(decode=False)) if media else ds
    for row in raw:
        item = {key: row.get(key) for key in ("id", "modality", "text", "segments", "words")}
        if media:
            cell = row[media]
            name = f"{row['id']}{os.path.splitext(cell['path'] or '')[1]}"
            with open(os.path.join(out, name), "wb") as f:
                f.write(cell["bytes"])
            item["file"] = name
        rows.append(item)
    with open(os.path.join(out, "rows.json"), "w", encoding="utf-8") as f:
        json.dump(rows, f)
    print(f"datasets {datasets.__version__}: {config}, {len(rows)} rows")


if __name__ == "__main__":
    main()
