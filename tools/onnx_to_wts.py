#!/usr/bin/env python3
"""Writes the float initializers of an ONNX model as a tensorrtx-style .wts file: the tensor
count on the first line, then one line per tensor, `name count hex hex ...`, each float32 as the
8 hex digits of its IEEE-754 bit pattern (big-endian, as tensorrtx's gen_wts.py writes them).
Tensors are in name order, so the output is deterministic.

    /usr/bin/python3 tools/onnx_to_wts.py resources/models/lenet5.onnx samples/data/lenet5.wts

Needs onnx and numpy (Debian: python3-onnx, python3-numpy)."""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    model = onnx.load(sys.argv[1])
    tensors = {}
    for init in model.graph.initializer:
        array = numpy_helper.to_array(init)
        if array.dtype.kind != "f":
            continue  # shape tensors and other integer constants are not weights
        tensors[init.name] = array.astype(np.float32).ravel()
    lines = [str(len(tensors))]
    for name in sorted(tensors):
        bits = tensors[name].astype(">f4").view(">u4")
        lines.append(" ".join([name, str(bits.size)] + [format(int(b), "08x") for b in bits]))
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, sys.argv[2])
    print(f"{sys.argv[2]}: {len(tensors)} tensors, {sum(t.size for t in tensors.values())} values")
    return 0


if __name__ == "__main__":
    sys.exit(main())
