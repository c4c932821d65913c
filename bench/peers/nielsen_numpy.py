#!/usr/bin/python3
"""Reference trainer: Nielsen's mini-batch SGD for sigmoid networks, written here from the book's
description (chapters 1-3) in NumPy, in matrix form over each mini-batch (one sample per row).

Same options and JSON keys as `backprop train`, so the two can be compared at the same settings:
    bench/peers/nielsen_numpy.py --data DIR --layers 784,30,10 --epochs 30 --batch 10 --eta 3.0 --seed 1 --json
Without --data it reads the digits embedded in the backprop tool (src/Backprop.Simd.Cli/Data/mnist-10k).
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EMBEDDED = os.path.join(HERE, "..", "..", "src", "Backprop.Simd.Cli", "Data", "mnist-10k")


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, count * rows * cols, 16).reshape(count, rows * cols)
    if magic == 0x801:
        return np.frombuffer(data, np.uint8, count, 8)
    raise ValueError(f"{path}: magic 0x{magic:08x} is not an IDX image or label file")


def find(folder, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"{folder}: neither {name} nor {name}.gz")


def load(folder, dtype):
    def split(prefix):
        x = read_idx(find(folder, f"{prefix}-images-idx3-ubyte")).astype(dtype) / dtype(255)
        y = read_idx(find(folder, f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
        return x, y
    return split("train"), split("t10k")


def sigmoid(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


class Network:
    def __init__(self, sizes, init, rng, dtype):
        self.sizes = sizes
        scale = (lambda n_in: 1.0) if init == "nielsen" else (lambda n_in: 1 / np.sqrt(n_in))
        self.weights = [(rng.standard_normal((n_out, n_in)) * scale(n_in)).astype(dtype) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [rng.standard_normal(n_out).astype(dtype) for n_out in sizes[1:]]

    def forward(self, x):
        activations = [x]
        for w, b in zip(self.weights, self.biases):
            activations.append(sigmoid(activations[-1] @ w.T + b))   # A^l = sigma(A^(l-1) W^T + b)
        return activations

    def sgd_step(self, x, y, eta, cost, decay):
        a = self.forward(x)
        if cost == "cross-entropy":
            delta = a[-1] - y                                          # sigma' cancels
        else:
            delta = (a[-1] - y) * a[-1] * (1 - a[-1])                  # (a - y) (.) sigma'(z)
        m = x.shape[0]
        for l in range(len(self.weights) - 1, -1, -1):
            grad_w = delta.T @ a[l]                                    # dC/dW = Delta^T A
            grad_b = delta.sum(axis=0)
            if l > 0:
                delta = (delta @ self.weights[l]) * a[l] * (1 - a[l])   # (Delta W) (.) sigma'(z)
            self.weights[l] = decay * self.weights[l] - (eta / m) * grad_w
            self.biases[l] = self.biases[l] - (eta / m) * grad_b

    def evaluate(self, x, labels, cost):
        out = self.forward(x)[-1]
        y = np.eye(self.sizes[-1], dtype=out.dtype)[labels]
        if cost == "cross-entropy":
            with np.errstate(divide="ignore", invalid="ignore"):
                c = -np.nan_to_num(y * np.log(out) + (1 - y) * np.log(1 - out)).sum(axis=1)
        else:
            c = 0.5 * ((out - y) ** 2).sum(axis=1)
        return float((out.argmax(axis=1) == labels).mean()), float(c.mean())


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=EMBEDDED)
    p.add_argument("--layers", default="784,30,10")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--eta", type=float, default=3.0)
    p.add_argument("--lambda", dest="lmbda", type=float, default=0.0)
    p.add_argument("--cost", choices=["quadratic", "cross-entropy"], default="quadratic")
    p.add_argument("--init", choices=["scaled", "nielsen"], default="scaled")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    dtype = np.dtype(args.dtype).type
    (x_train, y_train), (x_test, y_test) = load(args.data, dtype)
    sizes = [int(s) for s in args.layers.split(",")]
    rng = np.random.default_rng(args.seed)
    net = Network(sizes, args.init, rng, dtype)
    one_hot = np.eye(sizes[-1], dtype=dtype)
    n = len(x_train)
    decay = dtype(1 - args.eta * args.lmbda / n)
    seconds = []
    accuracy = cost = 0.0
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = rng.permutation(n)
        for k in range(0, n, args.batch):
            idx = order[k:k + args.batch]
            net.sgd_step(x_train[idx], one_hot[y_train[idx]], dtype(args.eta), args.cost, decay)
        seconds.append(time.perf_counter() - start)
        accuracy, cost = net.evaluate(x_test, y_test, args.cost)
        if args.json:
            print(json.dumps({"epoch": epoch, "test_accuracy": accuracy, "test_cost": cost, "seconds": seconds[-1]}))
        else:
            print(f"epoch {epoch}: test accuracy {accuracy:.4f}, cost {cost:.4f}, {seconds[-1]:.3f} s")
    median = float(np.median(seconds))
    final = {"test_accuracy": accuracy, "test_cost": cost, "epochs": args.epochs, "seconds_per_epoch": median,
             "samples_per_second": n / median, "seed": args.seed, "layers": sizes, "batch": args.batch, "eta": args.eta,
             "data": os.path.abspath(args.data), "engine": f"numpy {np.__version__} {args.dtype}"}
    print(json.dumps(final) if args.json else f"final: {final}")


if __name__ == "__main__":
    sys.exit(main())
