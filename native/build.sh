#!/usr/bin/env bash
# Compiles the C kernels into one shared library: build.sh OUT_DIR
#
# -ffp-contract=off keeps a*b+c as two roundings, as Java computes it, so the element-wise kernels
# match JavaKernels bit for bit. -fno-math-errno lets gcc inline sqrtf and call glibc's vector
# expf (libmvec, pulled in by -lm); the kernels never read errno. No -ffast-math: only loops
# marked "omp simd" may reassociate, and only their double accumulators.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR}
mkdir -p "$out"
command -v gcc >/dev/null || { echo "native/build.sh: gcc not found; install it (apt-get install gcc)" >&2; exit 1; }
gcc -O3 -march=native -ffp-contract=off -fno-math-errno -fPIC -shared -std=c11 -Wall -Wextra -Werror \
    -fopenmp-simd ${TRAINER_CFLAGS:-} -o "$out/libtrainer_kernels.so" "$here"/src/*.c -lm
