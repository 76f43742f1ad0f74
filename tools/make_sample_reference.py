#!/usr/bin/env python3
"""Writes reference inputs/outputs for the bundled sample models, computed by ONNX Runtime, into
tests/data/samples/<model>/{input_N,output_N}.pb (ONNX test-data layout). test_samples compares
Kiln's CPU reference against them, so the samples are checked by an independent implementation.

    pip install onnxruntime numpy && python3 tools/make_sample_reference.py

The TensorProto files are encoded by the small writer below, so only onnxruntime and numpy
are needed (from PyPI; Debian has no onnxruntime)."""
import os
import struct

import numpy as np
import onnxruntime as ort

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MODELS = os.path.join(ROOT, "resources", "models")
OUT = os.path.join(ROOT, "tests", "data", "samples")

ONNX_TYPE = {np.dtype(np.float32): 1, np.dtype(np.int64): 7}


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tensor_proto(name, array):
    """Serializes a numpy array as an onnx.TensorProto (dims=1, data_type=2, name=8, raw_data=9)."""
    array = np.ascontiguousarray(array)
    msg = bytearray()
    for d in array.shape:
        msg += b"\x08" + varint(d)
    msg += b"\x10" + varint(ONNX_TYPE[array.dtype])
    nb = name.encode()
    msg += b"\x42" + varint(len(nb)) + nb
    raw = array.tobytes()
    msg += b"\x4a" + varint(len(raw)) + raw
    return bytes(msg)


def main():
    rng = np.random.RandomState(20261121)
    cases = {
        "resnet_mini": {"input": rng.uniform(-1, 1, (2, 3, 64, 64)).astype(np.float32)},
        "lenet5": {"input": rng.uniform(0, 1, (3, 1, 28, 28)).astype(np.float32)},
        "encoder_mini": {
            "input_ids": rng.randint(0, 256, (2, 24)).astype(np.int64),
            "attention_mask": np.concatenate([np.ones((2, 20)), np.zeros((2, 4))], axis=1).astype(np.int64),
        },
    }
    for name, feeds in cases.items():
        sess = ort.InferenceSession(os.path.join(MODELS, name + ".onnx"), providers=["CPUExecutionProvider"])
        outs = sess.run(None, feeds)
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        for i, inp in enumerate(sess.get_inputs()):
            with open(os.path.join(d, f"input_{i}.pb"), "wb") as f:
                f.write(tensor_proto(inp.name, feeds[inp.name]))
        for i, (o, val) in enumerate(zip(sess.get_outputs(), outs)):
            with open(os.path.join(d, f"output_{i}.pb"), "wb") as f:
                f.write(tensor_proto(o.name, val))
        print(f"{name}: outputs {[v.shape for v in outs]} (onnxruntime {ort.__version__})")


if __name__ == "__main__":
    main()
