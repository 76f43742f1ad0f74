#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine: installs the packages Kiln builds with,
# then configures and builds it. Re-running it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools
  qt6-l10n-tools qt6-translations-l10n libgl-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  libprotobuf-dev protobuf-compiler
  libonnx-dev libonnx-testdata python3-onnx python3-numpy
  libgraphviz-dev
  libcli11-dev nlohmann-json3-dev libxxhash-dev libstb-dev libssl-dev
  xvfb xauth
  fonts-dejavu-core fonts-noto-cjk   # the studio's canvas text; Simplified Chinese UI
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "kiln setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

BUILD_DIR=${KILN_BUILD_DIR:-build}
BUILD_TYPE=${KILN_BUILD_TYPE:-Release}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${KILN_CMAKE_ARGS:-}
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
