#!/usr/bin/env bash
# Builds Kiln (installing its Debian packages first, via setup.sh) and runs every test with CTest.
# Tests labelled "gpu" skip themselves on machines without an NVIDIA GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
ctest --test-dir "${KILN_BUILD_DIR:-build}" --output-on-failure --timeout 1800 "$@"
