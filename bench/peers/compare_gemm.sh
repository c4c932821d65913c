#!/usr/bin/env bash
# The three GEMMs of a training step at the workload's shapes (784 inputs; batch 10 and 128; 30 and
# 100 outputs): NumPy/OpenBLAS (float32, one thread) and ours (BenchmarkDotNet) in one invocation.
# Usage: bash bench/peers/compare_gemm.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || apt-get install -y -qq python3-numpy libopenblas0-pthread >/dev/null 2>&1 || true
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || apt-get install -y -qq libopenblas0-pthread >/dev/null 2>&1 || true
# OpenBLAS 0.3.21 misdetects this CPU as an old core without SkylakeX; one BLAS thread.
export OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
if $PY -c "import numpy" 2>/dev/null; then
    echo "NumPy $($PY -c 'import numpy; print(numpy.__version__)') (OpenBLAS, OPENBLAS_CORETYPE=SkylakeX, 1 thread):"
    $PY bench/peers/numpy_gemm_shapes.py
else
    echo "NumPy peer skipped: python3-numpy cannot be installed"
fi
echo
echo "Backprop.Simd (BenchmarkDotNet, ShortRun):"
dotnet run -c Release --project bench/Backprop.Simd.Benchmarks -- --filter '*NetworkShapeGemm*' --job short --inProcess 2>&1 | grep -E '^\|'
