#!/usr/bin/python3
"""Writes tiny_detector.onnx: a small single-stage detector head ending in BatchedNMS.

    image [batch, 3, 64, 64]
      -> Conv 3x3 s2 + Relu (16) -> Conv 3x3 s2 + Relu (32) -> Conv 3x3 s2 + Relu (32)  [batch, 32, 8, 8]
      -> box head  Conv 1x1 (A*4) -> [batch, N, 4] -> Sigmoid -> decoded against the anchors
         class head Conv 1x1 (A*C) -> [batch, N, C] -> Sigmoid
      -> BatchedNMS (kiln.samples) -> num_detections, detection_boxes, detection_scores, detection_classes

N = 8 * 8 cells * A = 3 anchors = 192 boxes, C = 4 classes. Boxes leave the graph as
(cx, cy, w, h) in pixels (box_coding = 1): anchor centre + (s - 0.5) * anchor size, and anchor size
* (0.5 + s), where s is the sigmoid of the regression. Weights are random but seeded, so the file
is the same on every run. Run it with /usr/bin/python3 (needs onnx and numpy).
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

IMAGE = 64
GRID = 8  # cells per side after three stride-2 convolutions
ANCHORS = [(12.0, 12.0), (20.0, 10.0), (10.0, 20.0)]  # (w, h) in pixels
CLASSES = 4
MAX_OUT = 20
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_detector.onnx")


def conv_weights(rng, out_ch, in_ch, k):
    std = np.sqrt(2.0 / (in_ch * k * k))  # He initialization
    w = rng.normal(0.0, std, size=(out_ch, in_ch, k, k)).astype(np.float32)
    b = rng.normal(0.0, 0.1, size=(out_ch,)).astype(np.float32)
    return w, b


def anchor_tensors():
    """scale and offset [N, 4] such that box = sigmoid(raw) * scale + offset gives (cx, cy, w, h)."""
    stride = IMAGE / GRID
    scale, offset = [], []
    for cell in range(GRID * GRID):  # box index = cell * A + anchor, as the heads are reshaped
        cy, cx = ((cell // GRID) + 0.5) * stride, ((cell % GRID) + 0.5) * stride
        for aw, ah in ANCHORS:
            scale.append([aw, ah, aw, ah])
            offset.append([cx - 0.5 * aw, cy - 0.5 * ah, 0.5 * aw, 0.5 * ah])
    return np.array(scale, np.float32), np.array(offset, np.float32)


def main():
    rng = np.random.default_rng(2024)
    a = len(ANCHORS)
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    x = "image"
    for i, (cin, cout) in enumerate([(3, 16), (16, 32), (32, 32)]):
        w, b = conv_weights(rng, cout, cin, 3)
        nodes.append(helper.make_node("Conv", [x, const(f"conv{i}.w", w), const(f"conv{i}.b", b)], [f"conv{i}"],
                                      name=f"conv{i}", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("Relu", [f"conv{i}"], [f"relu{i}"], name=f"relu{i}"))
        x = f"relu{i}"

    def head(name, channels_per_anchor, bias_shift=0.0):
        # [batch, A*K, 8, 8] -> [batch, A, K, 64] -> [batch, 64, A, K] -> [batch, 64*A, K]
        w, b = conv_weights(rng, a * channels_per_anchor, 32, 1)
        b += np.float32(bias_shift)
        nodes.append(helper.make_node("Conv", [x, const(f"{name}.w", w), const(f"{name}.b", b)], [f"{name}_raw"],
                                      name=f"{name}_conv", kernel_shape=[1, 1]))
        split = const(f"{name}.split_shape", np.array([0, a, channels_per_anchor, -1], np.int64))
        nodes.append(helper.make_node("Reshape", [f"{name}_raw", split], [f"{name}_split"], name=f"{name}_split"))
        nodes.append(helper.make_node("Transpose", [f"{name}_split"], [f"{name}_cells"], name=f"{name}_transpose",
                                      perm=[0, 3, 1, 2]))
        flat = const(f"{name}.flat_shape", np.array([0, -1, channels_per_anchor], np.int64))
        nodes.append(helper.make_node("Reshape", [f"{name}_cells", flat], [f"{name}_flat"], name=f"{name}_flat"))
        nodes.append(helper.make_node("Sigmoid", [f"{name}_flat"], [f"{name}_sigmoid"], name=f"{name}_sigmoid"))
        return f"{name}_sigmoid"

    deltas = head("box", 4)
    scale, offset = anchor_tensors()
    nodes.append(helper.make_node("Mul", [deltas, const("anchor_scale", scale)], ["box_scaled"], name="decode_scale"))
    nodes.append(helper.make_node("Add", ["box_scaled", const("anchor_offset", offset)], ["boxes"],
                                  name="decode_offset"))
    # A negative class bias, as detectors are initialized (RetinaNet's prior): most scores are low.
    scores = head("cls", CLASSES, bias_shift=-2.0)

    outputs = ["num_detections", "detection_boxes", "detection_scores", "detection_classes"]
    nodes.append(helper.make_node("BatchedNMS", ["boxes", scores], outputs, name="nms", domain="kiln.samples",
                                  score_threshold=0.45, iou_threshold=0.5, max_output_boxes=MAX_OUT,
                                  class_agnostic=0, box_coding=1))

    graph = helper.make_graph(
        nodes, "tiny_detector",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, IMAGE, IMAGE])],
        [helper.make_tensor_value_info("num_detections", TensorProto.INT32, ["batch", 1]),
         helper.make_tensor_value_info("detection_boxes", TensorProto.FLOAT, ["batch", MAX_OUT, 4]),
         helper.make_tensor_value_info("detection_scores", TensorProto.FLOAT, ["batch", MAX_OUT]),
         helper.make_tensor_value_info("detection_classes", TensorProto.INT32, ["batch", MAX_OUT])],
        initializer=inits)
    model = helper.make_model(graph, producer_name="kiln-samples",
                              opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("kiln.samples", 1)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, OUT)
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes): {len(nodes)} nodes, "
          f"{GRID * GRID * a} boxes x {CLASSES} classes -> at most {MAX_OUT} detections")


if __name__ == "__main__":
    main()
