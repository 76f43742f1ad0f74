#!/usr/bin/python3
"""Generates Kiln's bundled sample models into resources/models/ (deterministic).

    /usr/bin/python3 tools/make_sample_models.py

Needs python3-onnx and python3-numpy (Debian). The models are the studio's embedded defaults
and the teaching examples, so they are written the way real exporters write them:
  resnet_mini.onnx  ResNet-style CNN: Conv, BatchNormalization, Relu, residual Add, MaxPool,
                    GlobalAveragePool, Flatten, Gemm (as torchvision + torch.onnx.export emit).
  encoder_mini.onnx 2-layer transformer encoder in the op patterns of PyTorch's exporter:
                    embedding Gather, MatMul + Add projections, decomposed LayerNorm, Erf GELU,
                    Shape/Gather/Unsqueeze/Concat/Reshape shape arithmetic, Transpose, scaled
                    Q.K^T, additive attention mask, Softmax, .V.
  lenet5.onnx       LeNet-5 on 28x28 digits.

For the optimizer benchmark (not bundled):
    make_sample_models.py --bert-style LAYERS OUT.onnx [--legacy-export]
writes a BERT-style encoder; with --legacy-export, in the structure torch.onnx.export
(dynamo=False, opset 14) gives transformers 5's BertModel: Constant nodes, position ids sliced to
the sequence, token types expanded through PyTorch's expand(-1) arithmetic, the SDPA mask built
from Range/Flatten/Gather, per-head Reshape targets [batch, seq, -1, head_size], Q and K each
scaled by sqrt(1/sqrt(head_size)), an additive mask Where(mask, 0, -inf) per layer, the Softmax's
NaN guard, and a pooler.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, checker, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "models")
PRODUCER = ("kiln-sample-generator", "1.0")


class Builder:
    """Small graph builder that names nodes the way torch.onnx.export does (OpType_N)."""

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)
        self.nodes, self.inits, self.counter = [], [], 0

    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def const_i64(self, name, values):
        return self.init(name, np.array(values, dtype=np.int64))

    def op(self, op_type, inputs, n_out=1, name=None, **attrs):
        name = name or f"{op_type}_{self.counter}"
        self.counter += 1
        outs = [f"{name}_out{i}" if n_out > 1 else f"{name}_out" for i in range(n_out)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=name, **attrs))
        return outs if n_out > 1 else outs[0]

    def weight(self, name, shape, fan_in):
        return self.init(name, (self.rng.randn(*shape) * np.sqrt(2.0 / fan_in)).astype(np.float32))

    def bias(self, name, n):
        return self.init(name, (self.rng.randn(n) * 0.05).astype(np.float32))

    def model(self, name, inputs, outputs, opset, doc):
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name=PRODUCER[0], producer_version=PRODUCER[1])
        m.ir_version = 8
        m.doc_string = doc
        helper.set_model_props(m, {"kiln.sample": name, "license": "CC0-1.0 (generated)"})
        checker.check_model(m)
        return m


def conv_bn(b, x, prefix, cin, cout, k, stride, relu=True):
    w = b.weight(f"{prefix}.conv.weight", (cout, cin, k, k), cin * k * k)
    y = b.op("Conv", [x, w], kernel_shape=[k, k], strides=[stride, stride], pads=[k // 2] * 4)
    bn = [b.init(f"{prefix}.bn.weight", (1 + 0.1 * b.rng.randn(cout)).astype(np.float32)),
          b.init(f"{prefix}.bn.bias", (0.1 * b.rng.randn(cout)).astype(np.float32)),
          b.init(f"{prefix}.bn.running_mean", (0.1 * b.rng.randn(cout)).astype(np.float32)),
          b.init(f"{prefix}.bn.running_var", (0.5 + b.rng.rand(cout)).astype(np.float32))]
    y = b.op("BatchNormalization", [y] + bn, epsilon=1e-5, momentum=0.9)
    return b.op("Relu", [y]) if relu else y


def basic_block(b, x, prefix, cin, cout, stride):
    y = conv_bn(b, x, prefix + ".0", cin, cout, 3, stride)
    y = conv_bn(b, y, prefix + ".1", cout, cout, 3, 1, relu=False)
    shortcut = x if (cin == cout and stride == 1) else conv_bn(b, x, prefix + ".down", cin, cout, 1, stride, relu=False)
    return b.op("Relu", [b.op("Add", [y, shortcut])])


def resnet_mini():
    b = Builder(seed=1)
    x = "input"
    y = conv_bn(b, x, "stem", 3, 16, 7, 2)
    y = b.op("MaxPool", [y], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    y = basic_block(b, y, "layer1.0", 16, 16, 1)
    y = basic_block(b, y, "layer1.1", 16, 16, 1)
    y = basic_block(b, y, "layer2.0", 16, 32, 2)
    y = basic_block(b, y, "layer3.0", 32, 64, 2)
    y = b.op("GlobalAveragePool", [y])
    y = b.op("Flatten", [y], axis=1)
    w = b.weight("fc.weight", (10, 64), 64)
    y = b.op("Gemm", [y, w, b.bias("fc.bias", 10)], alpha=1.0, beta=1.0, transB=1, name="Gemm_fc")
    b.nodes[-1].output[0] = "logits"
    inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 64, 64])
    out = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])
    return b.model("resnet_mini", [inp], [out], 13,
                   "A small ResNet-style classifier (3x64x64 -> 10 classes) with random weights.")


def layer_norm(b, x, prefix, hidden):
    # Decomposed LayerNorm as PyTorch exports it before opset 17:
    # (x - mean) / sqrt(var + eps) * gamma + beta
    mean = b.op("ReduceMean", [x], axes=[-1], keepdims=1)
    d = b.op("Sub", [x, mean])
    sq = b.op("Pow", [d, b.init(f"{prefix}.pow_exp", np.array(2.0, dtype=np.float32))])
    var = b.op("ReduceMean", [sq], axes=[-1], keepdims=1)
    var = b.op("Add", [var, b.init(f"{prefix}.eps", np.array(1e-12, dtype=np.float32))])
    y = b.op("Div", [d, b.op("Sqrt", [var])])
    y = b.op("Mul", [y, b.init(f"{prefix}.weight", (1 + 0.1 * b.rng.randn(hidden)).astype(np.float32))])
    return b.op("Add", [y, b.init(f"{prefix}.bias", (0.1 * b.rng.randn(hidden)).astype(np.float32))])


def linear(b, x, prefix, cin, cout):
    # torch.onnx exports nn.Linear on 3-D input as MatMul with the transposed weight, then Add.
    w = b.weight(f"{prefix}.weight_t", (cin, cout), cin)
    return b.op("Add", [b.op("MatMul", [x, w]), b.bias(f"{prefix}.bias", cout)])


def gelu_erf(b, x, prefix):
    # 0.5 * x * (1 + erf(x / sqrt(2)))
    y = b.op("Div", [x, b.init(f"{prefix}.sqrt2", np.array(1.4142135, dtype=np.float32))])
    y = b.op("Erf", [y])
    y = b.op("Add", [y, b.init(f"{prefix}.one", np.array(1.0, dtype=np.float32))])
    y = b.op("Mul", [x, y])
    return b.op("Mul", [y, b.init(f"{prefix}.half", np.array(0.5, dtype=np.float32))])


def split_heads(b, x, prefix, heads, head_dim, perm):
    # Shape -> Gather -> Unsqueeze -> Concat -> Reshape, the arithmetic PyTorch's exporter emits
    shape = b.op("Shape", [x])
    batch = b.op("Gather", [shape, b.init(f"{prefix}.idx0", np.array(0, dtype=np.int64))], axis=0)
    seq = b.op("Gather", [shape, b.init(f"{prefix}.idx1", np.array(1, dtype=np.int64))], axis=0)
    axes0 = b.const_i64(f"{prefix}.axes0", [0])
    new_shape = b.op("Concat", [b.op("Unsqueeze", [batch, axes0]), b.op("Unsqueeze", [seq, axes0]),
                                b.const_i64(f"{prefix}.heads", [heads]), b.const_i64(f"{prefix}.head_dim", [head_dim])],
                     axis=0)
    y = b.op("Reshape", [x, new_shape])
    return b.op("Transpose", [y], perm=perm), batch, seq


def encoder_layer(b, x, mask, prefix, hidden, heads, ffn):
    head_dim = hidden // heads
    q, batch, seq = split_heads(b, linear(b, x, prefix + ".attn.q", hidden, hidden), prefix + ".q", heads, head_dim, [0, 2, 1, 3])
    k, _, _ = split_heads(b, linear(b, x, prefix + ".attn.k", hidden, hidden), prefix + ".k", heads, head_dim, [0, 2, 3, 1])
    v, _, _ = split_heads(b, linear(b, x, prefix + ".attn.v", hidden, hidden), prefix + ".v", heads, head_dim, [0, 2, 1, 3])
    scores = b.op("MatMul", [q, k])                                   # [B, H, S, S]
    scores = b.op("Div", [scores, b.init(f"{prefix}.scale", np.array(np.sqrt(head_dim), dtype=np.float32))])
    scores = b.op("Add", [scores, mask])
    probs = b.op("Softmax", [scores], axis=-1)
    ctx = b.op("MatMul", [probs, v])                                  # [B, H, S, D]
    ctx = b.op("Transpose", [ctx], perm=[0, 2, 1, 3])
    axes0 = b.const_i64(f"{prefix}.ctx.axes0", [0])
    merged = b.op("Concat", [b.op("Unsqueeze", [batch, axes0]), b.op("Unsqueeze", [seq, axes0]),
                             b.const_i64(f"{prefix}.ctx.hidden", [hidden])], axis=0)
    ctx = b.op("Reshape", [ctx, merged])
    attn = linear(b, ctx, prefix + ".attn.out", hidden, hidden)
    x = layer_norm(b, b.op("Add", [attn, x]), prefix + ".ln1", hidden)
    h = gelu_erf(b, linear(b, x, prefix + ".ffn.in", hidden, ffn), prefix + ".gelu")
    h = linear(b, h, prefix + ".ffn.out", ffn, hidden)
    return layer_norm(b, b.op("Add", [h, x]), prefix + ".ln2", hidden)


def encoder_mini(layers=2, name="encoder_mini"):
    b = Builder(seed=2)
    vocab, max_pos, hidden, heads, ffn = 256, 64, 64, 4, 128
    tok = b.init("embeddings.word", (0.1 * b.rng.randn(vocab, hidden)).astype(np.float32))
    pos = b.init("embeddings.position", (0.1 * b.rng.randn(max_pos, hidden)).astype(np.float32))
    x = b.op("Gather", [tok, "input_ids"], axis=0)                    # [B, S, hidden]
    # position ids = range(seq)
    seq = b.op("Gather", [b.op("Shape", ["input_ids"]), b.init("pos.idx1", np.array(1, dtype=np.int64))], axis=0)
    pos_ids = b.op("Range", [b.init("pos.start", np.array(0, dtype=np.int64)), seq,
                             b.init("pos.step", np.array(1, dtype=np.int64))])
    x = b.op("Add", [x, b.op("Gather", [pos, pos_ids], axis=0)])
    x = layer_norm(b, x, "embeddings.ln", hidden)
    # additive mask: (1 - mask[:, None, None, :]) * -10000
    m = b.op("Unsqueeze", ["attention_mask", b.const_i64("mask.axes", [1, 2])])
    m = b.op("Cast", [m], to=TensorProto.FLOAT)
    m = b.op("Sub", [b.init("mask.one", np.array(1.0, dtype=np.float32)), m])
    mask = b.op("Mul", [m, b.init("mask.neg", np.array(-10000.0, dtype=np.float32))])
    for i in range(layers):
        x = encoder_layer(b, x, mask, f"encoder.layer.{i}", hidden, heads, ffn)
    b.nodes[-1].output[0] = "last_hidden_state"
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])
    am = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])
    out = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", hidden])
    return b.model(name, [ids, am], [out], 13,
                   f"A {layers}-layer, 4-head transformer encoder (hidden 64) in PyTorch-export op patterns; random weights.")


class LegacyExport:
    """torch.onnx.export (dynamo=False) idioms on top of a Builder: scalars and small tensors as
    Constant nodes, sizes through Shape -> Gather -> Unsqueeze -> Concat."""

    def __init__(self, b):
        self.b = b

    def const(self, value, dtype=np.int64):
        t = numpy_helper.from_array(np.asarray(value, dtype=dtype))
        return self.b.op("Constant", [], value=t)

    def size(self, x, i):  # x.size(i), a scalar
        return self.b.op("Gather", [self.b.op("Shape", [x]), self.const(i)], axis=0)

    def unsq(self, x, axes):
        return self.b.op("Unsqueeze", [x, self.const(axes)])

    def expand_minus1(self, sizes):
        # Expand's target after PyTorch's expand(-1): Where(Equal(shape, -1), 1, shape)
        shape = self.b.op("Reshape", [self.b.op("Concat", sizes, axis=0), self.const([-1])])
        ones = self.b.op("ConstantOfShape", [self.b.op("Shape", [shape])],
                         value=numpy_helper.from_array(np.array([1], dtype=np.int64)))
        minus = self.b.op("Mul", [ones, self.const(-1)])
        return self.b.op("Where", [self.b.op("Equal", [shape, minus]), ones, shape])


def legacy_layer_norm(b, e, x, prefix, hidden):
    mean = b.op("ReduceMean", [x], axes=[-1])
    d = b.op("Sub", [x, mean])
    var = b.op("ReduceMean", [b.op("Pow", [d, e.const(2.0, np.float32)])], axes=[-1])
    y = b.op("Div", [d, b.op("Sqrt", [b.op("Add", [var, e.const(1e-12, np.float32)])])])
    y = b.op("Mul", [y, b.init(f"{prefix}.weight", (1 + 0.1 * b.rng.randn(hidden)).astype(np.float32))])
    return b.op("Add", [y, b.init(f"{prefix}.bias", (0.1 * b.rng.randn(hidden)).astype(np.float32))])


def legacy_mask(b, e, x, attention_mask):
    # transformers 5's sdpa_mask for a padding mask, as traced: mask[b, 0, q, kv] =
    # (q >= 0) & attention_mask[b, kv], built from index ranges.
    m = b.op("Cast", [attention_mask], to=TensorProto.BOOL)
    seq, kv, batch = e.size(x, 1), e.size(m, 1), e.size(x, 0)
    rng = lambda n: b.op("Range", [e.const(0), b.op("Cast", [n], to=TensorProto.INT64), e.const(1)])
    bi = e.unsq(e.unsq(e.unsq(rng(batch), [1]), [2]), [3])              # [B, 1, 1, 1]
    qi = e.unsq(e.unsq(e.unsq(rng(seq), [0]), [1]), [3])                # [1, 1, S, 1]
    ki = e.unsq(e.unsq(e.unsq(rng(kv), [0]), [1]), [2])                 # [1, 1, 1, KV]
    causal = b.op("And", [b.op("ConstantOfShape", [e.const(np.zeros(0, np.int64))],
                                 value=numpy_helper.from_array(np.array([True]))),
                          b.op("Cast", [b.op("GreaterOrEqual", [qi, e.const(0)])], to=TensorProto.BOOL)])
    flat = b.op("Flatten", [m], axis=2)                                 # [B * KV, 1]
    idx = b.op("Add", [ki, b.op("Mul", [bi, b.op("Gather", [b.op("Shape", [m]), e.const([1])], axis=0)])])
    pad = b.op("Reshape", [b.op("Reshape", [b.op("Gather", [flat, idx], axis=0), e.const([-1])]),
                           b.op("Concat", [b.op("Shape", [idx])], axis=0)])
    both = b.op("And", [causal, b.op("Cast", [pad], to=TensorProto.BOOL)])
    return b.op("Expand", [both, e.expand_minus1([e.unsq(batch, [0]), e.const([-1]), e.unsq(seq, [0]), e.unsq(kv, [0])])])


def legacy_encoder_layer(b, e, x, mask, prefix, hidden, heads, ffn):
    head_dim = hidden // heads
    batch, seq = e.size(x, 0), e.size(x, 1)

    def split(proj, perm):
        y = b.op("Add", [b.bias(f"{prefix}.{proj}.bias", hidden),
                         b.op("MatMul", [x, b.weight(f"{prefix}.{proj}.weight_t", (hidden, hidden), hidden)])])
        target = b.op("Concat", [e.unsq(batch, [0]), e.unsq(seq, [0]), e.const([-1]), e.const([head_dim])], axis=0)
        return b.op("Transpose", [b.op("Reshape", [y, target])], perm=perm)

    q, k, v = split("query", [0, 2, 1, 3]), split("key", [0, 2, 3, 1]), split("value", [0, 2, 1, 3])
    root = np.float32(np.sqrt(1.0 / np.sqrt(head_dim)))  # SDPA scales Q and K by sqrt(scale) each
    scores = b.op("MatMul", [b.op("Mul", [q, e.const(root, np.float32)]), b.op("Mul", [k, e.const(root, np.float32)])])
    additive = b.op("Where", [mask, e.const([0.0], np.float32), e.const([-np.inf], np.float32)])
    p = b.op("Softmax", [b.op("Add", [scores, additive])], axis=-1)
    p = b.op("Where", [b.op("IsNaN", [p]), e.const([0.0], np.float32), p])
    ctx = b.op("Transpose", [b.op("MatMul", [p, v])], perm=[0, 2, 1, 3])
    ctx = b.op("Reshape", [ctx, b.op("Concat", [e.unsq(batch, [0]), e.unsq(seq, [0]), e.const([-1])], axis=0)])
    attn = linear(b, ctx, prefix + ".attention.output.dense", hidden, hidden)
    x = legacy_layer_norm(b, e, b.op("Add", [attn, x]), prefix + ".attention.output.LayerNorm", hidden)
    h = linear(b, x, prefix + ".intermediate.dense", hidden, ffn)
    h = b.op("Mul", [b.op("Mul", [h, b.op("Add", [b.op("Erf", [b.op("Div", [h, e.const(1.4142135, np.float32)])]),
                                                   e.const(1.0, np.float32)])]), e.const(0.5, np.float32)])
    h = linear(b, h, prefix + ".output.dense", ffn, hidden)
    return legacy_layer_norm(b, e, b.op("Add", [h, x]), prefix + ".output.LayerNorm", hidden)


def bert_legacy_export(layers, name="bert_legacy_export"):
    b = Builder(seed=4)
    e = LegacyExport(b)
    vocab, max_pos, hidden, heads, ffn = 256, 128, 64, 4, 128
    seq = e.size("input_ids", 1)
    positions = b.op("Slice", [b.const_i64("position_ids", np.arange(max_pos).reshape(1, max_pos)), e.const([0]),
                               e.unsq(seq, [0]), e.const([1]), e.const([1])])
    types = b.op("Slice", [b.const_i64("token_type_ids", np.zeros((1, max_pos), np.int64)), e.const([0]),
                           e.unsq(seq, [0]), e.const([1]), e.const([1])])
    types = b.op("Expand", [types, e.expand_minus1([e.unsq(e.size("input_ids", 0), [0]), e.unsq(seq, [0])])])
    emb = lambda n, rows, ids: b.op("Gather", [b.init(n, (0.1 * b.rng.randn(rows, hidden)).astype(np.float32)), ids])
    x = b.op("Add", [b.op("Add", [emb("embeddings.word", vocab, "input_ids"), emb("embeddings.token_type", 2, types)]),
                     emb("embeddings.position", max_pos, positions)])
    x = legacy_layer_norm(b, e, x, "embeddings.LayerNorm", hidden)
    mask = legacy_mask(b, e, x, "attention_mask")
    for i in range(layers):
        x = legacy_encoder_layer(b, e, x, mask, f"encoder.layer.{i}", hidden, heads, ffn)
    b.nodes[-1].output[0] = "last_hidden_state"
    pooled = b.op("Gather", ["last_hidden_state", e.const(0)], axis=1)
    b.op("Tanh", [b.op("Gemm", [pooled, b.weight("pooler.weight", (hidden, hidden), hidden), b.bias("pooler.bias", hidden)],
                       transB=1)])
    b.nodes[-1].output[0] = "pooler_output"
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])
    am = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])
    outs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", hidden]),
            helper.make_tensor_value_info("pooler_output", TensorProto.FLOAT, ["batch", hidden])]
    return b.model(name, [ids, am], outs, 14,
                   f"A {layers}-layer BERT-style encoder in torch.onnx.export's legacy structure; random weights.")


def lenet5():
    b = Builder(seed=3)
    y = b.op("Conv", ["input", b.weight("conv1.weight", (6, 1, 5, 5), 25), b.bias("conv1.bias", 6)],
             kernel_shape=[5, 5], pads=[2, 2, 2, 2])
    y = b.op("MaxPool", [b.op("Relu", [y])], kernel_shape=[2, 2], strides=[2, 2])
    y = b.op("Conv", [y, b.weight("conv2.weight", (16, 6, 5, 5), 150), b.bias("conv2.bias", 16)], kernel_shape=[5, 5])
    y = b.op("MaxPool", [b.op("Relu", [y])], kernel_shape=[2, 2], strides=[2, 2])
    y = b.op("Flatten", [y], axis=1)
    for i, (cin, cout) in enumerate([(400, 120), (120, 84), (84, 10)]):
        y = b.op("Gemm", [y, b.weight(f"fc{i + 1}.weight", (cout, cin), cin), b.bias(f"fc{i + 1}.bias", cout)], transB=1)
        if i < 2:
            y = b.op("Relu", [y])
    b.nodes[-1].output[0] = "logits"
    inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1, 28, 28])
    out = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])
    return b.model("lenet5", [inp], [out], 13, "LeNet-5 (1x28x28 -> 10 classes) with random weights.")


def main():
    if len(sys.argv) in (4, 5) and sys.argv[1] == "--bert-style":
        # BERT-base's structure (12 layers) at a small width, for the optimizer benchmark:
        #   make_sample_models.py --bert-style 12 OUT.onnx [--legacy-export]
        legacy = sys.argv[4:] == ["--legacy-export"]
        if len(sys.argv) == 5 and not legacy:
            print(f"unknown option {sys.argv[4]}", file=sys.stderr)
            return 2
        m = bert_legacy_export(int(sys.argv[2])) if legacy else encoder_mini(int(sys.argv[2]), "bert_style")
        onnx.save(m, sys.argv[3])
        print(f"{sys.argv[3]}: {len(m.graph.node)} nodes")
        return 0
    os.makedirs(OUT, exist_ok=True)
    for name, fn in [("resnet_mini", resnet_mini), ("encoder_mini", encoder_mini), ("lenet5", lenet5)]:
        m = fn()
        path = os.path.join(OUT, name + ".onnx")
        data = m.SerializeToString()
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        print(f"{path}: {len(m.graph.node)} nodes, {len(data) / 1024:.0f} KiB")
        assert len(data) < 2 * 1024 * 1024


if __name__ == "__main__":
    sys.exit(main())
