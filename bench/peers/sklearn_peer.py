#!/usr/bin/python3
"""scikit-learn peer of `backprop train` on headered CSV files: MLPClassifier or MLPRegressor.

Usage: sklearn_peer.py --train F --test F --target NAME --task classification|regression
                       --hidden 100[,50] [--seed S] [--scale-target true|false] [--threads N] --json

Fits a StandardScaler on the training inputs (and applies it to both splits), then
MLPClassifier / MLPRegressor(hidden_layer_sizes=--hidden, random_state=--seed, max_iter=200) with
scikit-learn's other defaults: relu, adam, learning_rate_init 0.001, alpha 1e-4,
batch_size min(200, n), tol 1e-4, n_iter_no_change 10, early_stopping False. max_iter is the
default 200, passed explicitly; ConvergenceWarning is silenced (200 epochs of adam rarely meet tol
on these sets) and reported as "converged" in the JSON instead. Only `fit` is timed, with
time.perf_counter; reading the CSVs, scaling and predicting are not.

With --task regression --scale-target true the target is also standardised on the training split
and the predictions de-standardised before scoring; without it (the default, and what a
scikit-learn user gets from MLPRegressor) the network learns MEDV-sized targets directly.

Speed: MLP in scikit-learn is pure Python around NumPy; its matrix products (X @ W, the
gradients) run through NumPy's BLAS, which is OpenBLAS when libopenblas0-pthread is installed
(Debian's numpy otherwise falls back to the netlib reference BLAS, several times slower at 100
hidden units). Debian's OpenBLAS 0.3.21 detects the AMD EPYC benchmark machine (family 26,
AVX-512) as a Haswell and runs AVX2 kernels, so on a CPU with AVX-512 the peer sets
OPENBLAS_CORETYPE=SkylakeX unless it is already set (as bench/peers/compare_speed.sh does). For a
like-for-like single-thread comparison the BLAS and OpenMP pools get 1 thread by default:
--threads N sets OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS before NumPy is
imported. The BLAS actually loaded (threadpoolctl.threadpool_info(), if importable) is printed in
the JSON as "blas", and its thread count as "threads" (null when threadpoolctl finds no pool it
knows, e.g. with the reference BLAS).

Prints one JSON line: {"engine", "task", "test_accuracy"} or {"test_r2", "test_rmse", "test_mae",
"test_mse"}, with "training_seconds", "epochs" (n_iter_), "converged", "threads", "blas" and the
estimator's parameters.
"""
import argparse
import csv
import json
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--train", required=True, help="headered CSV training split")
    p.add_argument("--test", required=True, help="headered CSV test split")
    p.add_argument("--target", required=True, help="name of the target column")
    p.add_argument("--task", required=True, choices=["classification", "regression"])
    p.add_argument("--hidden", default="100", help="hidden layer sizes, comma-separated (default 100)")
    p.add_argument("--seed", type=int, default=1, help="random_state of the MLP (default 1)")
    p.add_argument("--scale-target", default="false", choices=["true", "false"],
                   help="regression only: standardise y on the training split (default false)")
    p.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads (default 1)")
    p.add_argument("--max-iter", type=int, default=200, help="epochs at most (default 200, scikit-learn's)")
    p.add_argument("--json", action="store_true", help="print the result as one JSON line (always on)")
    args = p.parse_args()
    try:
        args.hidden_sizes = tuple(int(h) for h in args.hidden.split(","))
        if not args.hidden_sizes or min(args.hidden_sizes) < 1:
            raise ValueError
    except ValueError:
        p.error(f"--hidden: '{args.hidden}' is not a list of positive layer sizes such as 100 or 100,50")
    if args.threads < 1:
        p.error("--threads must be 1 or more")
    if args.scale_target == "true" and args.task != "regression":
        p.error("--scale-target true applies to --task regression only")
    return args


def read_csv(path, target):
    """Headered CSV -> (feature names, rows of float features, target texts)."""
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        if target not in header:
            sys.exit(f"{path}: no column '{target}' in the header {header}")
        t = header.index(target)
        x, y = [], []
        for line, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) != len(header):
                sys.exit(f"{path}: line {line} has {len(row)} fields, the header {len(header)}")
            try:
                x.append([float(v) for i, v in enumerate(row) if i != t])
            except ValueError as e:
                sys.exit(f"{path}: line {line}: {e}")
            y.append(row[t])
    return [h for i, h in enumerate(header) if i != t], x, y


def has_avx512():
    """True if the CPU has the AVX-512 subsets OpenBLAS's SkylakeX kernels use."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return False
    return {"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"} <= set(flags)


def main():
    args = parse_args()
    # Before NumPy loads its BLAS, which reads these once.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    if "OPENBLAS_CORETYPE" not in os.environ and has_avx512():
        os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"

    import warnings

    import numpy as np
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error, r2_score
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.preprocessing import StandardScaler
    try:
        import threadpoolctl
    except ImportError:
        threadpoolctl = None

    names, x_train, y_train = read_csv(args.train, args.target)
    test_names, x_test, y_test = read_csv(args.test, args.target)
    if test_names != names:
        sys.exit(f"{args.test}: columns {test_names} differ from {args.train}'s {names}")
    x_train, x_test = np.asarray(x_train, dtype=np.float64), np.asarray(x_test, dtype=np.float64)
    scaler = StandardScaler().fit(x_train)
    x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)

    common = dict(hidden_layer_sizes=args.hidden_sizes, random_state=args.seed, max_iter=args.max_iter,
                  early_stopping=False)
    if args.task == "classification":
        model = MLPClassifier(**common)
        y_fit = np.asarray(y_train)
    else:
        model = MLPRegressor(**common)
        y_train_f = np.asarray([float(v) for v in y_train])
        y_test_f = np.asarray([float(v) for v in y_test])
        mean, std = 0.0, 1.0
        if args.scale_target == "true":
            mean, std = float(y_train_f.mean()), float(y_train_f.std())
            std = std if std > 0 else 1.0
        y_fit = (y_train_f - mean) / std

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(x_train, y_fit)
        seconds = time.perf_counter() - start
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)

    result = {"engine": f"scikit-learn {sklearn.__version__} {type(model).__name__}", "task": args.task}
    if args.task == "classification":
        result["test_accuracy"] = float(accuracy_score(np.asarray(y_test), model.predict(x_test)))
    else:
        predicted = model.predict(x_test) * std + mean
        mse = float(mean_squared_error(y_test_f, predicted))
        result.update(test_r2=float(r2_score(y_test_f, predicted)), test_rmse=mse ** 0.5,
                      test_mae=float(mean_absolute_error(y_test_f, predicted)), test_mse=mse,
                      scale_target=args.scale_target == "true")
    blas = None
    threads = None
    if threadpoolctl is not None:
        blas = threadpoolctl.threadpool_info()
        counts = [p.get("num_threads") for p in blas if p.get("user_api") == "blas"]
        threads = max(counts) if counts else None
    params = model.get_params()
    result.update(
        training_seconds=seconds,
        epochs=int(model.n_iter_),
        seconds_per_epoch=seconds / max(1, int(model.n_iter_)),
        converged=converged,
        n_train=int(x_train.shape[0]),
        n_test=int(x_test.shape[0]),
        n_features=int(x_train.shape[1]),
        hidden=list(args.hidden_sizes),
        seed=args.seed,
        threads=threads,
        threads_requested=args.threads,
        numpy=np.__version__,
        blas=blas,
        params={k: params[k] for k in ("activation", "solver", "learning_rate_init", "alpha", "batch_size",
                                       "max_iter", "tol", "n_iter_no_change", "early_stopping")},
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
