#!/usr/bin/env bash
# Compiles the C kernels into one shared library: build.sh OUT_DIR
#
# Portable: the library is compiled for a baseline every current CPU of its architecture runs
# (x86-64-v2 on x86: SSE4.2, 2009 on), never for the build machine (-march=native made a jar built
# on one machine crash on another). On x86 each kernel also carries AVX2 and AVX-512 variants
# (target_clones in trainer_kernels.h) and the loader picks the best one the CPU has.
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
case "$(uname -m)" in
    x86_64) arch=(-march=x86-64-v2 -mtune=generic) ;;
    aarch64) arch=(-march=armv8-a) ;;
    *) arch=() ;;
esac
gcc -O3 "${arch[@]}" -ffp-contract=off -fno-math-errno -fPIC -shared -std=c11 -Wall -Wextra -Werror \
    -fopenmp-simd ${TRAINER_CFLAGS:-} -o "$out/libtrainer_kernels.so" "$here"/src/*.c -lm
