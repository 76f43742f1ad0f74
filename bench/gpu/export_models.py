#!/usr/bin/env python3
"""Exports the benchmark models with random (seeded) weights to FP32 ONNX (dynamic batch, opset 17)
and writes, for each, one batch-1 input and PyTorch's FP32 output for it as raw little-endian
files, so that Kiln's engines can be checked against PyTorch on the very same network.

  python3 export_models.py --models resnet50,mobilenet_v2,vit_b_16,bert_base --out models
Writes models/<name>.onnx, models/<name>.input.bin, models/<name>.output.bin, models/<name>.json
(input name, shape, dtype; output shape).
Runs on the GPU machine (torchvision, transformers); no downloads.
"""
import argparse
import json
import os

import numpy as np
import torch


class BertLastHidden(torch.nn.Module):
    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids):
        return self.bert(input_ids=input_ids).last_hidden_state


def build(name):
    if name == "bert_base":
        from transformers import BertConfig, BertModel
        return BertLastHidden(BertModel(BertConfig())), "tokens"
    import torchvision.models as tvm
    return getattr(tvm, name)(weights=None), "image"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="resnet50,mobilenet_v2,vit_b_16,bert_base")
    ap.add_argument("--out", default="models")
    ap.add_argument("--seq", type=int, default=128)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    for name in args.models.split(","):
        torch.manual_seed(0)
        module, kind = build(name)
        if name.startswith("vit"):
            # torchvision zero-initialises the classifier head: the output would be all zeros
            # (and any engine would "agree" with it). Random weights make the check mean something.
            torch.nn.init.normal_(module.heads.head.weight, std=0.02)
        module = module.eval().to("cuda")
        gen = torch.Generator(device="cuda").manual_seed(1)
        if kind == "tokens":
            x = torch.randint(0, 30000, (1, args.seq), device="cuda", generator=gen)
            in_name = "input_ids"
        else:
            x = torch.randn(1, 3, 224, 224, device="cuda", generator=gen)
            in_name = "input"
        path = os.path.join(args.out, f"{name}.onnx")
        torch.onnx.export(module, (x,), path, dynamo=False, opset_version=17, input_names=[in_name],
                          output_names=["output"], dynamic_axes={in_name: {0: "batch"}, "output": {0: "batch"}})
        with torch.inference_mode():
            y = module(x).float().cpu().numpy()
        x.cpu().numpy().tofile(os.path.join(args.out, f"{name}.input.bin"))
        y.astype(np.float32).tofile(os.path.join(args.out, f"{name}.output.bin"))
        meta = {"input": in_name, "input_shape": list(x.shape), "input_dtype": str(x.dtype).replace("torch.", ""),
                "output_shape": list(y.shape), "onnx_bytes": os.path.getsize(path)}
        with open(os.path.join(args.out, f"{name}.json"), "w") as f:
            json.dump(meta, f)
        print(name, meta, flush=True)
        del module
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
