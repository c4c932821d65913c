#!/usr/bin/env bash
# Seconds per training epoch of `backprop train` beside NumPy (matrix form, float32, OpenBLAS) and
# PyTorch (CPU) on the same data, network and hyperparameters, measured in one invocation, per
# instruction-set path, with the ratios and the epoch's share of the path's peak FMA rate.
# Usage: bench/peers/compare_speed.sh [DATA_DIR] [EPOCHS] [PATHS]
# (default: Fashion-MNIST if installed, else the embedded digits; 3 epochs, median reported;
# PATHS "avx512 avx2" where lscpu lists avx512f, else "native").
#
# Paths: avx512 runs everything as the CPU detects it, OpenBLAS with its SkylakeX kernel (0.3.21
# misdetects newer AVX-512 cores) and PyTorch with ATEN_CPU_CAPABILITY=avx512. avx2 runs us with
# DOTNET_EnableAVX512=0 (VEX encoding, 16 registers), OpenBLAS with its Haswell kernel and PyTorch
# with ATEN_CPU_CAPABILITY=avx2. native leaves OpenBLAS and PyTorch to detect the CPU. No path
# forces an instruction set the CPU lacks.
# Installs python3-numpy, python3-torch and libopenblas0-pthread with apt; a peer that cannot be
# installed is skipped, saying so.
set -uo pipefail
cd "$(dirname "$0")/../.."
data=${1:-/usr/share/datasets/fashion-mnist}
epochs=${2:-3}
if lscpu | grep -qw avx512f; then paths=${3:-avx512 avx2}; else paths=${3:-native}; fi
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
# One BLAS thread, like PyTorch's intra-op threads below.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
unset OPENBLAS_L2_SIZE OPENBLAS_CORETYPE
peaks=$(mktemp -d)
gcc -O2 -mavx2 -mfma bench/peers/peak_fma.c -o "$peaks/avx2"
lscpu | grep -qw avx512f && gcc -O2 -mavx512f bench/peers/peak_fma.c -o "$peaks/avx512"
last() { $PY -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])"; }
B=src/Backprop.Simd.Cli/bin/Release/net10.0/backprop.dll
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(getconf _NPROCESSORS_ONLN) cores; flags: $(lscpu | grep -o -w -E 'avx2|fma|avx512f|avx512bw|avx512vl' | sort -u | tr '\n' ' ')"
echo "data: $data, $epochs epochs each, median s/epoch"
echo "| path | workload | ours 1 thread | ours 2 threads | NumPy f32 | PyTorch 1 thread | NumPy / ours | PyTorch / ours | 2 threads / 1 | share of peak |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for path in $paths; do
    ours_env=(); peer_env=()
    case $path in
        avx512) peer_env=(OPENBLAS_CORETYPE=SkylakeX ATEN_CPU_CAPABILITY=avx512); peak_bin=$peaks/avx512 ;;
        avx2) ours_env=(DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0); peer_env=(OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2); peak_bin=$peaks/avx2 ;;
        native) peak_bin=$peaks/avx2; [ -x "$peaks/avx512" ] && peak_bin=$peaks/avx512 ;;
        *) echo "unknown path $path (avx512, avx2 or native)"; exit 2 ;;
    esac
    peak=$("$peak_bin" | sed -n 's/.*: \([0-9.]*\) GFLOP.*/\1/p')
    for workload in "784,30,10 10" "784,30,10 128" "784,100,10 10" "784,256,128,10 128"; do
        set -- $workload
        layers=$1 batch=$2
        common=(--data "$data" --layers "$layers" --batch "$batch" --eta 0.5 --epochs "$epochs" --json)
        run1=$(env "${ours_env[@]}" dotnet $B train "${common[@]}" --threads 1 --out /tmp/speed.bpsimd | tail -n 1)
        ours1=$(echo "$run1" | last seconds_per_epoch)
        samples=$(echo "$run1" | last train_samples)
        ours2=$(env "${ours_env[@]}" dotnet $B train "${common[@]}" --threads 2 --out /tmp/speed.bpsimd | last seconds_per_epoch)
        np=-; torch=-
        [ $have_numpy = 1 ] && np=$(env "${peer_env[@]}" $PY bench/peers/nielsen_numpy.py "${common[@]}" | last seconds_per_epoch)
        [ $have_torch = 1 ] && torch=$(env "${peer_env[@]}" $PY bench/peers/torch_peer.py "${common[@]}" | last seconds_per_epoch)
        $PY - "$path" "$layers" "$batch" "$ours1" "$ours2" "$np" "$torch" "$samples" "$peak" <<'PYEOF'
import sys
path, layers, batch, o1, o2, np_, t, samples, peak = sys.argv[1:]
sizes = [int(s) for s in layers.split(",")]
pairs = [a * b for a, b in zip(sizes, sizes[1:])]
# Per sample: forward and weight gradient of every layer, backward of every layer but the first.
flops = 2 * (2 * sum(pairs) + sum(pairs[1:])) * int(samples)
f = lambda v: "-" if v == "-" else f"{float(v):.3f} s"
r = lambda v: "-" if v == "-" else f"{float(v) / float(o1):.1f}x"
share = flops / float(o1) / (float(peak) * 1e9)
print(f"| {path} | [{layers}] batch {batch} | {f(o1)} | {f(o2)} | {f(np_)} | {f(t)} | {r(np_)} | {r(t)} | "
      f"{float(o1) / float(o2):.2f}x | {share:.0%} of {float(peak):.0f} GFLOP/s |")
PYEOF
    done
done
