#!/usr/bin/env bash
# Where an epoch's time goes: trains with dotnet-trace's sampling profiler attached and prints, per
# thread, the share of time in each innermost method and phase of Trainer.Step (the loading and
# printing around training are left out). Usage:
#   bash bench/profile/profile_epoch.sh [train options...]
# e.g. bash bench/profile/profile_epoch.sh --data /usr/share/datasets/fashion-mnist --epochs 10 --batch 10
# Set DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0 in the environment for the AVX2 path.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools=${TMPDIR:-/tmp}/backprop-profile-tools
[ -x "$tools/dotnet-trace" ] || dotnet tool install --tool-path "$tools" dotnet-trace >/dev/null
dotnet build -c Release src/Backprop.Simd.Cli >/dev/null
work=$(mktemp -d)
"$tools/dotnet-trace" collect --profile dotnet-sampled-thread-time -o "$work/train.nettrace" -- \
    dotnet src/Backprop.Simd.Cli/bin/Release/net10.0/backprop.dll train --out "$work/model.bpsimd" "$@" >/dev/null
"$tools/dotnet-trace" convert --format speedscope "$work/train.nettrace" -o "$work/train" >/dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'); path: $([ "${DOTNET_EnableAVX512F:-1}" = 0 ] && echo avx2 || echo native); train $*"
/usr/bin/python3 bench/profile/summarise_trace.py "$work/train.speedscope.json" 20
rm -rf "$work"
