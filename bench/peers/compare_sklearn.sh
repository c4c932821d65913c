#!/usr/bin/env bash
# `backprop train` beside scikit-learn's MLPClassifier / MLPRegressor (bench/peers/sklearn_peer.py)
# on iris, wine, breast_cancer and boston_house_prices: the CSVs bundled with scikit-learn
# (BSD-3-Clause), split 80/20 by bench/peers/make_tabular_splits.py, the same train/test files,
# the same hidden sizes, inputs standardised. Seeds 1, 2 and 3 for both; prints one Markdown table
# of test accuracy or R² (mean of the seeds) and training seconds (median), with the goals:
# accuracy within 1 pp of scikit-learn (not more than 1 pp below it), R² at least scikit-learn's,
# and less training time, on every set. Usage:
#   bench/peers/compare_sklearn.sh [extra train options...]
# The extra options go to `backprop train` only. Environment: HIDDEN (default 100, e.g. 100,50)
# for both engines; PEER_THREADS (default 1) BLAS threads of the peer; SPLIT_SEED (default 1) of
# the 80/20 split; BACKPROP, a command to run instead of building and running the Release CLI.
# Installs python3-sklearn (and libopenblas0-pthread, without which Debian's NumPy uses the
# netlib reference BLAS) with apt if missing. Stops with the failing run's stderr if a run fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
hidden=${HIDDEN:-100}
peer_threads=${PEER_THREADS:-1}
split_seed=${SPLIT_SEED:-1}
seeds=(1 2 3)

if ! $PY -c 'import sklearn' 2>/dev/null; then
    echo "installing python3-sklearn..." >&2
    (apt-get update -qq && apt-get install -y -qq python3-sklearn) >&2 \
        || { echo "compare_sklearn.sh: python3-sklearn cannot be installed" >&2; exit 1; }
fi
if ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    apt-get install -y -qq libopenblas0-pthread >/dev/null 2>&1 \
        || echo "warning: libopenblas0-pthread cannot be installed; scikit-learn runs on NumPy's reference BLAS" >&2
fi
# OpenBLAS 0.3.21 detects this AVX-512 CPU as a Haswell: use its SkylakeX kernels and its own L2
# size, as compare_speed.sh does. The peer itself sets one BLAS thread (PEER_THREADS).
if grep -m1 '^flags' /proc/cpuinfo | grep -qw avx512f; then export OPENBLAS_CORETYPE=SkylakeX; fi
unset OPENBLAS_L2_SIZE

if [ -n "${BACKPROP:-}" ]; then
    read -r -a ours <<<"$BACKPROP"
else
    if ! log=$(dotnet build -c Release src/Backprop.Simd.Cli 2>&1); then
        echo "compare_sklearn.sh: dotnet build -c Release src/Backprop.Simd.Cli failed:" >&2
        printf '%s\n' "$log" | tail -n 40 >&2
        exit 1
    fi
    ours=(dotnet src/Backprop.Simd.Cli/bin/Release/net10.0/backprop.dll)
fi

dir=$(mktemp -d -t compare-sklearn.XXXXXX)
if ! $PY bench/peers/make_tabular_splits.py "$dir" --seed "$split_seed" 2>"$dir/splits.stderr"; then
    echo "compare_sklearn.sh: make_tabular_splits.py failed:" >&2; cat "$dir/splits.stderr" >&2; exit 1
fi

# run LABEL OUT COMMAND...: the command's last stdout line, which must be JSON, goes to OUT.
run() {
    local label=$1 out=$2 rc=0
    shift 2
    local t0; t0=$(date +%s.%N)
    "$@" >"$out.stdout" 2>"$out.stderr" || rc=$?
    echo "$(date +%s.%N) - $t0" | bc >"$out.wall"   # the whole process: start-up, imports, reading, training
    if [ "$rc" -ne 0 ] || ! tail -n 1 "$out.stdout" | $PY -c 'import json, sys; json.loads(sys.stdin.read())' 2>/dev/null; then
        echo "compare_sklearn.sh: $label failed (exit status $rc)" >&2
        echo "command: $*" >&2
        echo "--- its stderr:" >&2
        cat "$out.stderr" >&2
        if [ "$rc" -eq 0 ]; then echo "--- its last line of stdout is not JSON:" >&2; tail -n 1 "$out.stdout" >&2; fi
        exit 1
    fi
    tail -n 1 "$out.stdout" >"$out"
}

sets=("iris species classification" "wine class classification"
      "breast_cancer diagnosis classification" "boston MEDV regression")
for entry in "${sets[@]}"; do
    read -r name target task <<<"$entry"
    files=(--train "$dir/$name-train.csv" --test "$dir/$name-test.csv" --target "$target")
    for seed in "${seeds[@]}"; do
        echo "$name seed $seed..." >&2
        run "backprop train on $name, seed $seed" "$dir/ours-$name-$seed.json" \
            "${ours[@]}" train --data "$dir/$name-train.csv" --test "$dir/$name-test.csv" --target "$target" \
            --hidden "$hidden" --seed "$seed" --json --out "$dir/$name.bpsimd" "$@"
        run "sklearn_peer.py on $name, seed $seed" "$dir/sklearn-$name-$seed.json" \
            $PY bench/peers/sklearn_peer.py "${files[@]}" --task "$task" --hidden "$hidden" --seed "$seed" \
            --threads "$peer_threads" --json
        if [ "$task" = regression ]; then
            run "sklearn_peer.py --scale-target true on $name, seed $seed" "$dir/sklearn-scaled-$name-$seed.json" \
                $PY bench/peers/sklearn_peer.py "${files[@]}" --task "$task" --hidden "$hidden" --seed "$seed" \
                --threads "$peer_threads" --scale-target true --json
        fi
    done
done

echo "machine: $(lscpu | grep 'Model name' | sed 's/  */ /g'), $(nproc) CPUs"
ours_line="${ours[*]} train --data NAME-train.csv --test NAME-test.csv --target T --hidden $hidden --seed 1|2|3 --json --out NAME.bpsimd"
if [ $# -gt 0 ]; then ours_line+=" $*"; fi
$PY - "$dir" "$ours_line" "$split_seed" "${seeds[@]}" <<'PYEOF'
import csv, json, os, statistics, sys

out, ours_line, split_seed, seeds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
SETS = [("iris", "classification"), ("wine", "classification"), ("breast_cancer", "classification"),
        ("boston", "regression")]
METRICS = {"test_accuracy", "test_r2", "test_rmse", "test_mae", "test_mse", "training_seconds", "epochs",
           "seconds_per_epoch", "samples_per_second", "epoch", "seconds", "converged", "data", "seed"}


def wall(kind, name, seed):
    with open(f"{out}/{kind}-{name}-{seed}.json.wall") as f:
        return float(f.read())


def load(kind, name):
    runs = []
    for s in seeds:
        path = f"{out}/{kind}-{name}-{s}.json"
        with open(path) as f:
            runs.append(json.load(f))
    return runs


def need(run, key, who):
    if key not in run:
        sys.exit(f"compare_sklearn.sh: {who}'s JSON has no \"{key}\": {json.dumps(run)[:400]}")
    return run[key]


def rows(path):
    with open(path, newline="") as f:
        return sum(1 for r in csv.reader(f) if r) - 1


def config(run):
    return {k: v for k, v in run.items() if k not in METRICS and not k.startswith("test_")}


ours_first, peer_first = load("ours", "iris")[0], load("sklearn", "iris")[0]
print(f"ours: {ours_line}")
print(f"ours' configuration (iris, seed 1): {json.dumps(config(ours_first))}")
blas = "; ".join(" ".join(str(b[k]) for k in ("internal_api", "version", "architecture", "threading_layer") if b.get(k))
                 + f" threads={b.get('num_threads')} ({b.get('filepath')})" for b in (peer_first.get("blas") or [])) or "unknown"
print(f"scikit-learn: {peer_first['engine']}, NumPy {peer_first.get('numpy')}, hidden {peer_first.get('hidden')}, "
      f"StandardScaler on the inputs, parameters {json.dumps(peer_first.get('params'))}")
print(f"scikit-learn's thread pools: {blas}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
print(f"data: scikit-learn's bundled CSVs, 80/20 split with train_test_split(random_state={split_seed}), "
      f"stratified for classification; seeds {', '.join(seeds)}; raw JSON in {out}")
table = ["", "| set | task | n train/test | ours accuracy or R² (mean) | scikit-learn (mean) | difference | "
      "ours training s (JIT part) | scikit-learn training s | time ratio (sklearn/ours) | "
      "ours process s | scikit-learn process s | goal met? |",
         "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
details = []
for name, task in SETS:
    ours = load("ours", name)
    for r in ours:
        got = need(r, "task", f"backprop train on {name}")
        if got != task:
            sys.exit(f"compare_sklearn.sh: backprop train on {name} reports task {got}, expected {task}")
    peers = [("scikit-learn", load("sklearn", name))]
    if task == "regression":
        peers.append(("scikit-learn, scaled target", load("sklearn-scaled", name)))
    n = f"{rows(f'{out}/{name}-train.csv')}/{rows(f'{out}/{name}-test.csv')}"
    key = "test_accuracy" if task == "classification" else "test_r2"
    a = [need(r, key, f"backprop train on {name}") for r in ours]
    ta = [need(r, "training_seconds", f"backprop train on {name}") for r in ours]
    ja = [r.get("jit_seconds_training", 0.0) for r in ours]
    wa = [wall("ours", name, s) for s in seeds]
    ma, mta, mja, mwa = statistics.mean(a), statistics.median(ta), statistics.median(ja), statistics.median(wa)
    details.append(f"- {name}, ours: {key} {', '.join(f'{x:.4f}' for x in a)}; training s "
                   f"{', '.join(f'{x:.3f}' for x in ta)}; epochs {', '.join(str(r.get('epochs')) for r in ours)}")
    for label, runs in peers:
        b = [need(r, key, f"sklearn_peer.py on {name}") for r in runs]
        tb = [need(r, "training_seconds", f"sklearn_peer.py on {name}") for r in runs]
        wb = [wall("sklearn" if label == "scikit-learn" else "sklearn-scaled", name, s) for s in seeds]
        mb, mtb, mwb = statistics.mean(b), statistics.median(tb), statistics.median(wb)
        if task == "classification":
            diff = 100 * (ma - mb)
            score_ok = diff >= -1.0
            cells = f"{100 * ma:.2f} % | {100 * mb:.2f} % | {diff:+.2f} pp"
        else:
            diff = ma - mb
            score_ok = diff >= 0
            cells = f"{ma:.4f} | {mb:.4f} | {diff:+.4f}"
        time_ok = mta < mtb
        misses = [w for w, ok in (("score", score_ok), ("time", time_ok)) if not ok]
        goal = "yes" if not misses else "no (" + ", ".join(misses) + ")"
        ratio = f"{mtb / mta:.2f}x" if mta > 0 else "-"
        set_label = name if label == "scikit-learn" else f"{name} ({label})"
        table.append(f"| {set_label} | {task} | {n} | {cells} | {mta:.3f} ({mja:.3f}) | {mtb:.3f} | {ratio} | {mwa:.2f} | {mwb:.2f} | {goal} |")
        converged = sum(1 for r in runs if r.get("converged"))
        details.append(f"- {name}, {label}: {key} {', '.join(f'{x:.4f}' for x in b)}; fit s "
                       f"{', '.join(f'{x:.3f}' for x in tb)}; epochs (n_iter_) {', '.join(str(r.get('epochs')) for r in runs)}; "
                       f"converged before max_iter in {converged} of {len(runs)}")
print("\n".join(table))
print()
print("Goals: classification accuracy at most 1 pp below scikit-learn's, regression R² at least scikit-learn's, "
      "and a shorter median training time (ours: Trainer.Fit in-process, JIT compilation included, in brackets the part "
      "of it that was JIT compilation; scikit-learn: `fit` alone). The process columns time each whole command: "
      "start-up, imports, reading the CSVs, training and evaluation.")
print("One test sample is " + ", ".join(
    f"{100 / rows(f'{out}/{name}-test.csv'):.2f} pp of {name}'s accuracy "
    f"({100 / rows(f'{out}/{name}-test.csv') / len(seeds):.2f} pp of the {len(seeds)}-seed mean)"
    for name, task in SETS if task == "classification") + ".")
print("Per seed:")
print("\n".join(details))
PYEOF
