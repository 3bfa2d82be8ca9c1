#!/usr/bin/env bash
# Compiles the CUDA kernels' shared arithmetic for the host, for the tests: build.sh OUT_DIR
#
# Needs only gcc: the flags are native/build.sh's (-ffp-contract=off: no fused a*b+c, as the
# device build's -fmad=false), without -march=native, which changes no result here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR}
mkdir -p "$out"
command -v gcc >/dev/null || { echo "native/cuda/host/build.sh: gcc not found; install it (apt-get install gcc)" >&2; exit 1; }
gcc -O2 -ffp-contract=off -fno-math-errno -fPIC -shared -std=c11 -Wall -Wextra -Werror \
    -o "$out/libtrainer_cuda_host_math.so" "$here"/host_math.c -lm
