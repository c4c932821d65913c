#!/usr/bin/env bash
# Test accuracy of `backprop train` beside the NumPy reference (nielsen_numpy.py) at the same
# settings, averaged over seeds 1-3. Usage:
#   bench/peers/compare_accuracy.sh [DATA_DIR] [extra train options...]
# Without DATA_DIR both read the embedded digits. Installs python3-numpy with apt if it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
if ! $PY -c "import numpy" 2>/dev/null; then
    echo "installing python3-numpy..." >&2
    (apt-get update -qq && apt-get install -y -qq python3-numpy) >&2 || { echo "NumPy reference skipped: python3-numpy cannot be installed" >&2; exit 1; }
fi
data=()
if [ $# -gt 0 ] && [ -d "$1" ]; then data=(--data "$1"); shift; fi
dotnet build -c Release src/Backprop.Simd.Cli >/dev/null
ours=(dotnet src/Backprop.Simd.Cli/bin/Release/net10.0/backprop.dll train)
out=$(mktemp -d)
for seed in 1 2 3; do
    "${ours[@]}" "${data[@]}" --seed "$seed" --json --out "$out/model.bpsimd" "$@" | tail -1 > "$out/ours-$seed.json"
    $PY bench/peers/nielsen_numpy.py "${data[@]}" --seed "$seed" --json "$@" | tail -1 > "$out/numpy-$seed.json"
done
$PY - "$out" <<'PYEOF'
import json, sys, glob
out = sys.argv[1]
def load(kind):
    return [json.load(open(f"{out}/{kind}-{s}.json")) for s in (1, 2, 3)]
ours, ref = load("ours"), load("numpy")
a = [r["test_accuracy"] for r in ours]
b = [r["test_accuracy"] for r in ref]
print(f"data: {ours[0]['data']}")
print(f"backprop train  accuracies {', '.join(f'{x:.4f}' for x in a)}  mean {sum(a)/3:.4f}  median s/epoch {sorted(r['seconds_per_epoch'] for r in ours)[1]:.3f}")
print(f"numpy reference accuracies {', '.join(f'{x:.4f}' for x in b)}  mean {sum(b)/3:.4f}  median s/epoch {sorted(r['seconds_per_epoch'] for r in ref)[1]:.3f}  ({ref[0]['engine']})")
diff = 100 * (sum(a) - sum(b)) / 3
print(f"difference: {diff:+.2f} percentage points ({'within' if abs(diff) <= 1 else 'OUTSIDE'} 1 pp)")
PYEOF
