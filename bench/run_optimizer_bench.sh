#!/usr/bin/env bash
# Optimizer pipeline timings (level 3) on the generated 10,000-node model, a generated 12-layer
# BERT-style encoder and the bundled samples. Writes bench/results/optimizer-<date>.{json,md}.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${KILN_BUILD_DIR:-build}
ninja -C "$BUILD" kiln-bench-optimizer >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 tools/make_sample_models.py --bert-style 12 "$tmp/bert_style_12_layers.onnx"
day=$(date +%F)
out=bench/results/optimizer-$day
"$BUILD/bin/kiln-bench-optimizer" --blocks 2000 --repeats 5 --json "$out.json" \
    --model "$tmp/bert_style_12_layers.onnx" | tee "$tmp/table.md"
{
  echo "# Optimizer pipeline timings, $day"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); Release build; level 3; median of 5."
  echo
  cat "$tmp/table.md"
} > "$out.md"
echo "wrote $out.json and $out.md"
