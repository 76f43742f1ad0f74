#!/usr/bin/env python3
"""Relative L2 and max abs error of a kiln-exec --exportOutput JSON against PyTorch's raw output.
  python3 agree.py models/resnet50.output.bin kiln_output.json   -> prints one JSON line"""
import json
import sys

import numpy as np

ref = np.fromfile(sys.argv[1], dtype=np.float32)
with open(sys.argv[2]) as f:
    outs = json.load(f)
got = np.array([float(v) for v in outs[0]["values"]], dtype=np.float64)
ref = ref.astype(np.float64)
if got.shape != ref.shape:
    print(json.dumps({"error": f"shape {got.shape} vs {ref.shape}"}))
    sys.exit(0)
rel = float(np.linalg.norm(got - ref) / max(np.linalg.norm(ref), 1e-30))
print(json.dumps({"rel_l2": rel, "max_abs": float(np.max(np.abs(got - ref))), "nan": bool(np.isnan(got).any())}))
