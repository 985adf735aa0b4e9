"""Krippendorff's alpha (nominal) by PyPI's `krippendorff`, the oracle the app's own
alpha is held to. Argument: a JSON file holding a list of reliability matrices (one
row per reviewer, one column per unit, null where a reviewer did not vote). Prints a
JSON list with each matrix's alpha, null where it is undefined (no pairable values, or
no variation)."""

import json
import math
import sys

import krippendorff
import numpy as np


def alpha(matrix):
    data = np.array([[math.nan if v is None else v for v in row] for row in matrix], dtype=float)
    try:
        value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:
        return None
    return None if math.isnan(value) else float(value)


with open(sys.argv[1]) as f:
    print(json.dumps([alpha(m) for m in json.load(f)]))
