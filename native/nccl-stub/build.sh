#!/usr/bin/env bash
# Compiles the NCCL stand-in the binding's tests load in place of libnccl.so.2: build.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR}
mkdir -p "$out"
command -v gcc >/dev/null || { echo "native/nccl-stub/build.sh: gcc not found; install it (apt-get install gcc)" >&2; exit 1; }
gcc -O1 -fPIC -shared -std=c11 -Wall -Wextra -Werror -o "$out/libnccl_stub.so" "$here"/nccl_stub.c
