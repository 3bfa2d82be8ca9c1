#!/usr/bin/env bash
# Compiles the CUDA kernels into one shared library when nvcc is present: build.sh OUT_DIR
#
# Without nvcc (on PATH, in $CUDA_HOME/bin or /usr/local/cuda/bin) it prints one line and exits 0:
# the CPU build does not need the GPU library. Code for sm_90 (H100/H200) plus compute_90 PTX,
# which newer GPUs compile at load time. -cudart shared links libcudart.so.13, the runtime ONNX
# Runtime's CUDA provider loads too, so both share one context and can share a stream.
# -fmad=false keeps a*b+c as two roundings (as Java and native/src), so the element-wise kernels
# match JavaKernels bit for bit. nvcc is slow: an up-to-date library is not rebuilt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR}
library=$out/libtrainer_cuda.so

nvcc=$(command -v nvcc || true)
for candidate in "${CUDA_HOME:-}/bin/nvcc" /usr/local/cuda/bin/nvcc; do
    [[ -z "$nvcc" && -x "$candidate" ]] && nvcc=$candidate
done
if [[ -z "$nvcc" ]]; then
    echo "native/cuda/build.sh: nvcc not found, CUDA kernels not built (install the CUDA 13 toolkit for --device cuda)"
    exit 0
fi

sources=("$here"/src/*.cu "$here"/src/*.cuh "$here"/src/*.h "$0")
if [[ -f "$library" ]] && [[ -z $(find "${sources[@]}" -newer "$library" 2>/dev/null) ]]; then
    exit 0
fi
mkdir -p "$out"
"$nvcc" -O3 -std=c++17 -shared -cudart shared -fmad=false \
    -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90 \
    -Xcompiler -fPIC,-fvisibility=hidden,-Wall,-Wextra,-Werror -Werror all-warnings \
    ${TRAINER_NVCCFLAGS:-} -o "$library.tmp" "$here"/src/*.cu
mv "$library.tmp" "$library"
