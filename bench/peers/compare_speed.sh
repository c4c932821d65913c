#!/usr/bin/env bash
# Seconds per training epoch of `backprop train` beside NumPy (matrix form, float32, OpenBLAS) and
# PyTorch (CPU) on the same data, network and hyperparameters, measured in one invocation, with
# the ratio ours/theirs. Usage: bench/peers/compare_speed.sh [DATA_DIR] [EPOCHS]
# (default: Fashion-MNIST if installed, else the embedded digits; 3 epochs, median reported).
# Installs python3-numpy, python3-torch and libopenblas0-pthread with apt; a peer that cannot be
# installed is skipped, saying so.
set -uo pipefail
cd "$(dirname "$0")/../.."
data=${1:-/usr/share/datasets/fashion-mnist}
epochs=${2:-3}
[ -d "$data" ] || { apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 || true; }
[ -d "$data" ] || data=src/Backprop.Simd.Cli/Data/mnist-10k
PY=/usr/bin/python3
have_numpy=1; have_torch=1
$PY -c "import numpy" 2>/dev/null || apt-get install -y -qq python3-numpy libopenblas0-pthread >/dev/null 2>&1 || true
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || apt-get install -y -qq libopenblas0-pthread >/dev/null 2>&1 || true
$PY -c "import numpy" 2>/dev/null || { have_numpy=0; echo "NumPy peer skipped: python3-numpy cannot be installed"; }
$PY -c "import torch" 2>/dev/null || apt-get install -y -qq python3-torch >/dev/null 2>&1 || true
$PY -c "import torch" 2>/dev/null || { have_torch=0; echo "PyTorch peer skipped: python3-torch cannot be installed"; }
dotnet build -c Release src/Backprop.Simd.Cli >/dev/null
# OpenBLAS 0.3.21 misdetects this CPU as an old core without SkylakeX; one BLAS thread like PyTorch's.
export OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
unset OPENBLAS_L2_SIZE
median() { $PY -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['seconds_per_epoch'])"; }
echo "data: $data, $epochs epochs each, median s/epoch"
[ $have_numpy = 1 ] && $PY -c "import numpy, threadpoolctl; print(threadpoolctl.threadpool_info())" 2>/dev/null | head -c 300 && echo
echo "| workload | ours 1 thread | ours 2 threads | NumPy f32 | PyTorch 1 thread | NumPy / ours (2 t) | PyTorch / ours (2 t) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for workload in "784,30,10 10" "784,30,10 128" "784,100,10 10" "784,256,128,10 128"; do
    set -- $workload
    layers=$1 batch=$2
    ours1=$(dotnet src/Backprop.Simd.Cli/bin/Release/net10.0/backprop.dll train --data "$data" --layers "$layers" --batch "$batch" --eta 0.5 --epochs "$epochs" --threads 1 --json --out /tmp/speed.bpsimd | median)
    ours2=$(dotnet src/Backprop.Simd.Cli/bin/Release/net10.0/backprop.dll train --data "$data" --layers "$layers" --batch "$batch" --eta 0.5 --epochs "$epochs" --threads 2 --json --out /tmp/speed.bpsimd | median)
    np=-; torch=-
    [ $have_numpy = 1 ] && np=$($PY bench/peers/nielsen_numpy.py --data "$data" --layers "$layers" --batch "$batch" --eta 0.5 --epochs "$epochs" --json | median)
    [ $have_torch = 1 ] && torch=$($PY bench/peers/torch_peer.py --data "$data" --layers "$layers" --batch "$batch" --eta 0.5 --epochs "$epochs" --json | median)
    $PY - "$layers batch $batch" "$ours1" "$ours2" "$np" "$torch" <<'PYEOF'
import sys
name, o1, o2, np_, t = sys.argv[1:]
f = lambda v: "-" if v == "-" else f"{float(v):.3f} s"
r = lambda v: "-" if v == "-" else f"{float(v) / float(o2):.1f}x"
print(f"| [{name}] | {f(o1)} | {f(o2)} | {f(np_)} | {f(t)} | {r(np_)} | {r(t)} |")
PYEOF
done
