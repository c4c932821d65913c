#!/usr/bin/env python3
"""The three GEMMs of a mini-batch step at the workload's shapes, in NumPy (OpenBLAS), float32, one thread.

Same products as bench/Backprop.Simd.Benchmarks/NetworkShapeGemmBenchmarks.cs (inputs 784):
forward Z = X W^T, backward G = Delta W, weight gradient Delta^T X, for batch 10, 32 and 128 and
30, 100 and 256 outputs, and the square product C = A B at 512 and 1024. Prints the median of many timed calls in microseconds and GFLOP/s.
Run: OPENBLAS_CORETYPE=SkylakeX (or Haswell for the AVX2 path) OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/numpy_gemm_shapes.py
(bench/peers/compare_gemm.sh sets these and runs ours beside it).
"""
import json
import sys
import timeit

import numpy as np

INPUTS = 784


def median_us(fn, number):
    runs = timeit.repeat(fn, number=number, repeat=15)
    runs.sort()
    return runs[len(runs) // 2] / number * 1e6


def main():
    rng = np.random.default_rng(1)
    rows = []
    for batch in (10, 32, 128):
        for outputs in (30, 100, 256):
            x = rng.random((batch, INPUTS), dtype=np.float32)
            w = rng.random((outputs, INPUTS), dtype=np.float32)
            delta = rng.random((batch, outputs), dtype=np.float32)
            z = np.empty((batch, outputs), dtype=np.float32)
            g = np.empty((batch, INPUTS), dtype=np.float32)
            dw = np.empty((outputs, INPUTS), dtype=np.float32)
            flops = 2.0 * batch * outputs * INPUTS
            number = max(20, int(2e8 / flops))
            cases = {
                "forward": lambda: np.matmul(x, w.T, out=z),
                "backward": lambda: np.matmul(delta, w, out=g),
                "weight_gradient": lambda: np.matmul(delta.T, x, out=dw),
            }
            for name, fn in cases.items():
                us = median_us(fn, number)
                rows.append({"batch": batch, "outputs": outputs, "product": name, "us": round(us, 3), "gflops": round(flops / us / 1e3, 1)})
    for n in (512, 1024):
        a = rng.random((n, n), dtype=np.float32)
        b = rng.random((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        flops = 2.0 * n ** 3
        us = median_us(lambda: np.matmul(a, b, out=c), max(3, int(2e9 / flops)))
        rows.append({"batch": n, "outputs": n, "product": "square", "us": round(us, 3), "gflops": round(flops / us / 1e3, 1)})
    if "--json" in sys.argv:
        print(json.dumps(rows))
        return
    print("| batch x outputs | product | NumPy median | GFLOP/s |")
    print("| --- | --- | ---: | ---: |")
    for r in rows:
        print(f"| {r['batch']} x {r['outputs']} | {r['product']} | {r['us']:.2f} us | {r['gflops']} |")


if __name__ == "__main__":
    main()
