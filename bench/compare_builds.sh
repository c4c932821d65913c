#!/usr/bin/env bash
# Training speed of two builds measured alternately, for this shared, noisy machine: a change is
# judged by medians of interleaved runs, never by one run against a figure from earlier.
# Usage: bash bench/compare_builds.sh OLD_REV [ROUNDS] -- TRAIN_ARGS...
#   e.g. bash bench/compare_builds.sh HEAD~1 5 -- --data /usr/share/datasets/fashion-mnist --epochs 4 --batch 10 --threads 1
# Builds OLD_REV in a temporary worktree and the working tree as it is, then runs
# `backprop train --json TRAIN_ARGS` ROUNDS times each, alternating, and prints every run's
# seconds_per_epoch, the medians and the median of the pairwise ratios new / old.
set -euo pipefail
cd "$(dirname "$0")/.."
old_rev=$1; shift
rounds=5
if [ "${1:-}" != "--" ] && [ $# -gt 0 ]; then rounds=$1; shift; fi
[ "${1:-}" = "--" ] && shift
tree=$(mktemp -d)
trap 'git worktree remove --force "$tree" >/dev/null 2>&1 || true' EXIT
git worktree add --detach "$tree" "$old_rev" >/dev/null
dotnet build -c Release "$tree/src/Backprop.Simd.Cli" >/dev/null
dotnet build -c Release src/Backprop.Simd.Cli >/dev/null
old="$tree/src/Backprop.Simd.Cli/bin/Release/net10.0/backprop.dll"
new="src/Backprop.Simd.Cli/bin/Release/net10.0/backprop.dll"
epoch() { dotnet "$1" train --json --out "$(mktemp --suffix .bpsimd)" "${@:2}" | tail -n 1 | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['seconds_per_epoch'])"; }
olds=(); news=()
for _ in $(seq "$rounds"); do
    olds+=("$(epoch "$old" "$@")")
    news+=("$(epoch "$new" "$@")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratios=(); for i in "${!olds[@]}"; do ratios+=("$(awk -v n="${news[$i]}" -v o="${olds[$i]}" 'BEGIN {printf "%.3f", n / o}')"); done
echo "old ($old_rev): ${olds[*]} -> median $(median "${olds[@]}") s/epoch"
echo "new (working tree): ${news[*]} -> median $(median "${news[@]}") s/epoch"
# Each new run against the old run just before it: the pair shares the machine's state, so the median of these
# ratios is steadier than the ratio of the two medians when the host drifts.
echo "new / old, pair by pair: ${ratios[*]} -> median $(median "${ratios[@]}")"
