#!/bin/sh
# Assembles a self-contained folder to run Kiln's binaries and GPU tests on a machine that has an
# NVIDIA driver, CUDA 13 and cuDNN but none of Kiln's other dependencies (no Qt, protobuf, onnx):
#   scripts/stage_gpu.sh BUILD_DIR DEST [binary...]      (default binaries: kiln-exec)
# DEST gets bin/ (stripped), lib/ (libkiln and the non-system libraries they need), plugins/
# (the plugin libraries) and env.sh, which sets KILN_PLUGIN_DIR and LD_LIBRARY_PATH for DEST/lib, the system's CUDA libraries and cuDNN. A DEST ending
# in .tar.xz is a compressed archive of that folder instead (Qt's ICU data alone is 31 MB), to be
# unpacked there with: mkdir -p /tmp/kiln && tar xJf DEST -C /tmp/kiln && . /tmp/kiln/env.sh
set -eu
build=$1; dest=$2; shift 2
case "$dest" in
  *.tar.xz)
    tmp=$(mktemp -d)
    "$0" "$build" "$tmp" "$@" >/dev/null
    tar cf - -C "$tmp" . | xz -T2 -6 > "$dest"
    rm -rf "$tmp"
    du -sh "$dest"
    exit 0;;
esac
[ $# -gt 0 ] || set -- kiln-exec
mkdir -p "$dest/bin" "$dest/lib"
for b in "$@"; do
  cp "$build/bin/$b" "$dest/bin/$b"
  strip --strip-unneeded "$dest/bin/$b" 2>/dev/null || true
done
cp -L "$build/lib/libkiln.so.0" "$dest/lib/"
# Plugin libraries (samples/plugins, tests/plugins), found by the tests through KILN_PLUGIN_DIR.
if [ -d "$build/plugins" ]; then cp -r "$build/plugins" "$dest/plugins"; fi
strip --strip-unneeded "$dest/lib/libkiln.so.0" 2>/dev/null || true
# Everything the binaries load that is neither glibc/libstdc++ nor CUDA (found on the GPU machine).
for b in "$dest"/bin/* "$dest/lib/libkiln.so.0"; do ldd "$b"; done | awk '/=> \//{print $3}' | sort -u |
  grep -v -E '/(libc|libm|libdl|libpthread|librt|libgcc_s|libstdc\+\+|ld-linux[^/]*|libz|libzstd|libcu[a-z]*|libnvrtc[^/]*|libcudnn[^/]*|libcublas[^/]*|libnvJitLink|libkiln)\.so' |
  while read -r lib; do cp -L "$lib" "$dest/lib/"; done
cat > "$dest/env.sh" <<'ENV'
here=${KILN_STAGE:-/tmp/kiln}
export KILN_PLUGIN_DIR="$here/plugins"
export LD_LIBRARY_PATH="$here/lib:/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/local/cuda/lib64:/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
ENV
du -sh "$dest"
