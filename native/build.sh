#!/usr/bin/env bash
# Compiles the C kernels into one shared library: build.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR}
mkdir -p "$out"
command -v gcc >/dev/null || { echo "native/build.sh: gcc not found; install it (apt-get install gcc)" >&2; exit 1; }
gcc -O3 -march=native -ffp-contract=off -fPIC -shared -std=c11 -Wall -Wextra -Werror \
    -fopenmp-simd -o "$out/libtrainer_kernels.so" "$here"/src/*.c -lm
