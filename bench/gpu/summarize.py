#!/usr/bin/env python3
"""Collects a bench/gpu/run_bench.sh output folder into results.json and a Markdown table."""
import glob
import json
import os
import sys

out = sys.argv[1]
peers, device = {}, {}
if os.path.exists(os.path.join(out, "peers.jsonl")):
    for line in open(os.path.join(out, "peers.jsonl")):
        r = json.loads(line)
        if "model" in r and "p50_ms" in r:
            peers[(r["model"], r["dtype"], r["mode"], r["batch"])] = r["p50_ms"]
            device = {"gpu": r.get("gpu"), "torch": r.get("torch"), "date": r.get("date")}

rows = []
for rep in sorted(glob.glob(os.path.join(out, "kiln", "*.report.json"))):
    tag = os.path.basename(rep)[: -len(".report.json")]
    model, prec, b = tag.rsplit("_", 2)
    batch = int(b[1:])
    r = json.load(open(rep))
    inf = r.get("inference") or {}
    comp = inf.get("computeMs", {})
    row = {"model": model, "precision": prec, "batch": batch, "kiln_ms": comp.get("median"),
           "kiln_p99_ms": (comp.get("percentiles") or {}).get("99"), "device": r["passport"].get("deviceName"),
           "build_s": (r["build"].get("timingsMs") or {}).get("total", 0) / 1000.0, "layers": r["build"].get("layerCount")}
    warm = os.path.join(out, "kiln", tag + ".warm.json")
    if os.path.exists(warm):
        row["warm_build_s"] = (json.load(open(warm))["build"].get("timingsMs") or {}).get("total", 0) / 1000.0
    agree = os.path.join(out, "kiln", tag + ".agree.json")
    if os.path.exists(agree):
        row["vs_pytorch"] = json.load(open(agree))
    dt = "fp16" if prec == "fp16" else "fp32"
    row["eager_ms"] = peers.get((model, dt, "eager", batch))
    row["compile_ms"] = peers.get((model, dt, "compile", batch))
    # Top layers by median time.
    layers = [(l.get("profile", {}).get("medianMs", 0), l["name"], l["type"] if "type" in l else l.get("layerType", ""),
               l.get("tactic"), l.get("precision")) for l in r.get("layers", [])]
    row["top_layers"] = [{"ms": t, "name": n, "tactic": tac, "precision": p} for t, n, _, tac, p in sorted(layers, reverse=True)[:5]]
    rows.append(row)

json.dump({"device": device, "rows": rows}, open(os.path.join(out, "results.json"), "w"), indent=1)

def f(v, d=3):
    return "—" if v is None else f"{v:.{d}f}"

print(f"Device: {rows[0]['device'] if rows else '?'}; PyTorch {device.get('torch')}; {device.get('date')}\n")
print("| model | precision | batch | Kiln (ms) | eager (ms) | torch.compile (ms) | Kiln vs compile | build cold / warm (s) | vs PyTorch rel L2 |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    ratio = (r["compile_ms"] / r["kiln_ms"]) if r.get("compile_ms") and r.get("kiln_ms") else None
    agree = r.get("vs_pytorch", {}).get("rel_l2")
    print(f"| {r['model']} | {r['precision']} | {r['batch']} | {f(r['kiln_ms'])} | {f(r['eager_ms'])} | {f(r['compile_ms'])} | "
          f"{'—' if ratio is None else f'{ratio:.2f}x'} | {f(r['build_s'],1)} / {f(r.get('warm_build_s'),1)} | "
          f"{'—' if agree is None else f'{agree:.2e}'} |")
