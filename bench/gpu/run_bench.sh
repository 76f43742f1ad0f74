#!/bin/bash
# Kiln against PyTorch eager and torch.compile, in one run on one GPU (see docs/performance.md).
# On the GPU machine, from the repository root, with Kiln staged by scripts/stage_gpu.sh:
#   bench/gpu/run_bench.sh STAGE_DIR OUT_DIR [models] [batches] [precisions]
# Steps: export the models (FP32 ONNX, random seeded weights) with a PyTorch reference output;
# time PyTorch (../shared/bench/peers.py, or PEERS=path); build every model with Kiln per
# precision and batch (cold, then again with the warm timing cache), check batch 1 against
# PyTorch and time with CUDA graphs; then bench/gpu/summarize.py writes results.json + a table.
set -u
stage=$1; out=$2
models=${3:-resnet50,mobilenet_v2,vit_b_16,bert_base}
batches=${4:-1,64}
precisions=${5:-tf32,fp16}
peers=${PEERS:-shared/bench/peers.py}
export KILN_STAGE=$stage
. "$stage/env.sh"
exec_bin="$stage/bin/kiln-exec"
mkdir -p "$out/models" "$out/kiln"
here=$(cd "$(dirname "$0")" && pwd)

# PHASE=peers: only PyTorch; PHASE=kiln: only Kiln (a run is limited to 10 minutes there).
phase=${PHASE:-all}
if [ "$phase" != kiln ]; then
  python3 "$peers" --models "$models" --batches "$batches" --dtypes fp16 --modes eager,compile --out "$out/peers.jsonl" > "$out/peers.log" 2>&1
  python3 "$peers" --models "$models" --batches "$batches" --dtypes fp32 --modes eager --out "$out/peers.jsonl" >> "$out/peers.log" 2>&1
fi
[ "$phase" = peers ] && exit 0
python3 "$here/export_models.py" --models "$models" --out "$out/models" > "$out/export.log" 2>&1 || { tail -20 "$out/export.log"; exit 1; }

for m in ${models//,/ }; do
  meta="$out/models/$m.json"
  in_name=$(python3 -c "import json;print(json.load(open('$meta'))['input'])")
  for prec in ${precisions//,/ }; do
    flags=""; [ "$prec" = fp16 ] && flags="--fp16"; [ "$prec" = fp32 ] && flags="--noTF32"
    for b in ${batches//,/ }; do
      if [ "$in_name" = input_ids ]; then shape="$in_name:${b}x128"; else shape="$in_name:${b}x3x224x224"; fi
      tag="${m}_${prec}_b${b}"
      cache="$out/kiln/$tag.cache"
      rm -f "$cache"
      extra=""
      if [ "$b" = 1 ]; then extra="--loadInputs $in_name:$out/models/$m.input.bin --exportOutput $out/kiln/$tag.out.json"; fi
      # Cold build (timing cache created), timed run with CUDA graphs, profile in separate runs.
      "$exec_bin" --onnx "$out/models/$m.onnx" --device cuda $flags --shapes "$shape" --timingCacheFile "$cache" \
        --saveEngine "$out/kiln/$tag.plan" --useCudaGraph --noDataTransfers --separateProfileRun --dumpProfile \
        --iterations 200 --duration 2 --skipAccuracyCheck $extra --exportReport "$out/kiln/$tag.report.json" \
        > "$out/kiln/$tag.log" 2>&1 || echo "FAILED $tag (see $tag.log)"
      # Warm build: the same with the timing cache, build only.
      "$exec_bin" --onnx "$out/models/$m.onnx" --device cuda $flags --shapes "$shape" --timingCacheFile "$cache" \
        --skipInference --exportReport "$out/kiln/$tag.warm.json" > "$out/kiln/$tag.warm.log" 2>&1 || echo "FAILED warm $tag"
      if [ "$b" = 1 ] && [ -f "$out/kiln/$tag.out.json" ]; then
        python3 "$here/agree.py" "$out/models/$m.output.bin" "$out/kiln/$tag.out.json" > "$out/kiln/$tag.agree.json"
        rm -f "$out/kiln/$tag.out.json"
      fi
      rm -f "$out/kiln/$tag.plan"
      grep -E "GPU Compute Time|Accuracy|error" "$out/kiln/$tag.log" | head -3 | sed "s/^/$tag: /"
    done
  done
done
python3 "$here/summarize.py" "$out" > "$out/summary.md"
cat "$out/summary.md"
