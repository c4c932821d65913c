#!/usr/bin/env bash
# The C figure PeakFmaBenchmark is checked against: the same 12-chain FMA loop compiled for 256-bit
# (-mavx2 -mfma) and, where lscpu lists avx512f, for 512-bit registers. Usage: bash bench/peers/peak_fma.sh
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
gcc -O2 -mavx2 -mfma peak_fma.c -o "$out/peak256"
"$out/peak256"
if lscpu | grep -qw avx512f; then
    gcc -O2 -mavx512f peak_fma.c -o "$out/peak512"
    "$out/peak512"
fi
