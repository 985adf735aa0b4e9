"""Which documented responses no test ever produced. Reads docs/openapi.json (argument
1) and the notes that the end-to-end suites and the fuzzer left in a directory
(argument 2: files of `METHOD TEMPLATE STATUS` lines, see tests/e2e/src/contract.rs).
Every status an operation documents must have been answered by that operation at
least once, except those of a shared response marked `x-service-wide` (the database
busy, a token not configured), which one operation answering them anywhere shows.
Exits 1, listing what is missing, if anything is; standard library only."""

import json
import sys
from pathlib import Path

document = json.loads(Path(sys.argv[1]).read_text())
seen = set()
for notes in Path(sys.argv[2]).glob("*.txt"):
    for line in notes.read_text().splitlines():
        method, template, status = line.split(" ")
        seen.add((method.lower(), template, status))
seen_statuses = {status for _, _, status in seen}

missing = []
documented = 0
for template, item in document["paths"].items():
    for method, operation in item.items():
        if method not in ("get", "head", "post", "put", "patch", "delete"):
            continue
        for status, response in operation["responses"].items():
            documented += 1
            ref = response.get("$ref", "")
            shared = document["components"]["responses"].get(ref.rsplit("/", 1)[-1], {})
            if shared.get("x-service-wide") and status in seen_statuses:
                continue
            if (method, template, status) not in seen:
                missing.append(f"{method.upper()} {template} {status}")

print(f"contract coverage: {documented - len(missing)} of {documented} documented responses produced")
if missing:
    print("documented but never produced by any test:")
    print("\n".join(f"  {m}" for m in sorted(missing)))
    sys.exit(1)
