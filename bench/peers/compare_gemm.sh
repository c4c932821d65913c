#!/usr/bin/env bash
# GEMM beside NumPy/OpenBLAS (float32, one thread) in one invocation, per instruction-set path: the
# three products of a training step at the first layers' shapes (784 inputs; batch 10, 32, 128;
# 30, 100, 256 outputs), the square product at 512 and 1024, and the peak FMA rate of the path.
# Ours: BenchmarkDotNet medians of 15 iterations (NumPy's script takes the median of 15 repeats);
# NumPy runs before and after ours and keeps its faster median per product, so drift over the run
# does not favour us. Also prints the packed product's profile (GemmProfileBenchmarks). Usage: bash bench/peers/compare_gemm.sh [PATHS]
# PATHS: "avx512 avx2" where lscpu lists avx512f, else "native". avx2 runs us with
# DOTNET_EnableAVX512=0 and OpenBLAS with its Haswell kernel; avx512 OpenBLAS with SkylakeX (0.3.21
# misdetects newer AVX-512 cores); native lets OpenBLAS detect. No ISA the CPU lacks is forced.
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || apt-get install -y -qq python3-numpy libopenblas0-pthread >/dev/null 2>&1 || true
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || apt-get install -y -qq libopenblas0-pthread >/dev/null 2>&1 || true
$PY -c "import numpy" 2>/dev/null || { echo "NumPy cannot be installed: no peer"; exit 1; }
if lscpu | grep -qw avx512f; then paths=${1:-avx512 avx2}; else paths=${1:-native}; fi
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
unset OPENBLAS_L2_SIZE OPENBLAS_CORETYPE
dotnet build -c Release bench/Backprop.Simd.Benchmarks >/dev/null || exit 1
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(getconf _NPROCESSORS_ONLN) cores; flags: $(lscpu | grep -o -w -E 'avx2|fma|avx512f|avx512bw|avx512vl' | sort -u | tr '\n' ' ')"
work=$(mktemp -d)
for path in $paths; do
    ours_env=(); peer_env=()
    case $path in
        avx512) peer_env=(OPENBLAS_CORETYPE=SkylakeX) ;;
        avx2) ours_env=(DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0); peer_env=(OPENBLAS_CORETYPE=Haswell) ;;
        native) ;;
        *) echo "unknown path $path (avx512, avx2 or native)"; exit 2 ;;
    esac
    env "${peer_env[@]}" $PY bench/peers/numpy_gemm_shapes.py --json > "$work/numpy1.json"
    env "${ours_env[@]}" dotnet run -c Release --no-build --project bench/Backprop.Simd.Benchmarks -- \
        --filter '*NetworkShapeGemm*' '*GemmBenchmarks.Multiply' '*PeakFma*' '*GemmProfile*' \
        --launchCount 1 --warmupCount 3 --iterationCount 15 2>&1 | grep -E '^\|' > "$work/ours.md"
    env "${peer_env[@]}" $PY bench/peers/numpy_gemm_shapes.py --json > "$work/numpy2.json"
    $PY - "$path" "${peer_env[*]:-OpenBLAS detects}" "$work/numpy1.json" "$work/numpy2.json" "$work/ours.md" <<'PYEOF'
import json, sys
path, peer, numpy1, numpy2, ours_md = sys.argv[1:]
peers = {}
for run in (numpy1, numpy2):
    for r in json.load(open(run)):
        key = (r["product"], r["batch"], r["outputs"])
        if key not in peers or r["gflops"] > peers[key]["gflops"]:
            peers[key] = r
ours, peak, profile = {}, None, {}
header = None
for line in open(ours_md):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if "Method" in cells:
        header = cells
        continue
    if header is None or set(cells[0]) <= set("-: "):
        continue
    row = dict(zip(header, cells))
    gflops = float(row["GFLOP/s"].replace(",", ""))
    method = row["Method"]
    if row.get("Type") == "PeakFmaBenchmark" or method.startswith("Fma"):
        if method == ("Fma256" if path == "avx2" else "Fma512"):
            peak = gflops
        continue
    if method == "Product":
        profile[(int(row["Size"]), row["Phase"])] = gflops
        continue
    if method == "Multiply" and row.get("Size", "-") not in ("-", "?"):
        ours[("square", int(row["Size"]), int(row["Size"]))] = gflops
    elif row.get("Batch", "-") not in ("-", "?"):
        name = {"Forward": "forward", "Backward": "backward", "WeightGradient": "weight_gradient"}[method]
        ours[(name, int(row["Batch"]), int(row["Outputs"]))] = gflops
print(f"\npath {path}; NumPy {peer}, 1 thread; peak FMA rate of the path (PeakFmaBenchmark): {peak} GFLOP/s")
print("| product | batch x outputs (or n) | ours GFLOP/s | share of peak | NumPy GFLOP/s | ours / NumPy |")
print("| --- | --- | ---: | ---: | ---: | ---: |")
for key, theirs in peers.items():
    mine = ours.get(key)
    if mine is None:
        continue
    share = f"{mine / peak:.0%}" if peak else "-"
    size = f"{key[1]}" if key[0] == "square" else f"{key[1]} x {key[2]}"
    print(f"| {key[0]} | {size} | {mine:.1f} | {share} | {theirs['gflops']:.1f} | {mine / theirs['gflops']:.2f}x |")
if profile and peak:
    print("\nWhere the packed square product's time goes (rates as 2 n^3 / time of the phase):")
    print("| n | product | share of peak | packing alone: share of the product's time | micro-kernels alone | share of peak |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sorted({n for n, _ in profile}):
        whole, pack, compute = (profile.get((n, p)) for p in ("all", "pack", "compute"))
        if whole and pack and compute:
            print(f"| {n} | {whole:.1f} | {whole / peak:.0%} | {whole / pack:.0%} | {compute:.1f} | {compute / peak:.0%} |")
PYEOF
done
