#!/usr/bin/python3
"""PyTorch (CPU) peer of `backprop train`: the same sigmoid network, quadratic cost (1/2 ||a - y||^2),
mini-batch SGD with w <- w - (eta/m) sum grad, on the same IDX data; prints the same JSON keys.
--output-activation softmax --cost log-likelihood trains a softmax output with the negative log-likelihood
(torch's cross_entropy on the logits); --optimizer adam uses torch.optim.Adam (eta is its lr).
One thread by default (fastest for small batches): torch.set_num_threads(--threads)."""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nielsen_numpy import EMBEDDED, load  # noqa: E402  (the same IDX reader)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=EMBEDDED)
    p.add_argument("--layers", default="784,30,10")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--eta", type=float, default=3.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    p.add_argument("--output-activation", choices=["sigmoid", "softmax"], default="sigmoid")
    p.add_argument("--cost", choices=["quadratic", "log-likelihood"], default="quadratic")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load(args.data, np.float32)
    x_train, x_test = torch.from_numpy(np.ascontiguousarray(x_train)), torch.from_numpy(np.ascontiguousarray(x_test))
    y_train, y_test = torch.from_numpy(y_train.copy()), torch.from_numpy(y_test.copy())
    sizes = [int(s) for s in args.layers.split(",")]
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        linear = torch.nn.Linear(n_in, n_out)
        torch.nn.init.normal_(linear.weight, 0, 1 / np.sqrt(n_in))   # N(0, 1/n_in), as --init scaled
        torch.nn.init.normal_(linear.bias, 0, 1)
        layers += [linear, torch.nn.Sigmoid()]
    softmax = args.output_activation == "softmax"
    if softmax:
        layers = layers[:-1]  # the logits: cross_entropy applies log-softmax itself
    model = torch.nn.Sequential(*layers)
    if args.optimizer == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=args.eta)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=args.eta)
    one_hot = torch.eye(sizes[-1])
    n = len(x_train)
    seconds = []
    accuracy = 0.0
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(n)
        for k in range(0, n, args.batch):
            idx = order[k:k + args.batch]
            out = model(x_train[idx])
            if args.cost == "log-likelihood":
                loss = torch.nn.functional.cross_entropy(out, y_train[idx].long()) if softmax else \
                    -(torch.log(out) * one_hot[y_train[idx]]).sum() / len(idx)
            else:
                a = torch.softmax(out, 1) if softmax else out
                loss = 0.5 * ((a - one_hot[y_train[idx]]) ** 2).sum() / len(idx)   # gradient (1/m) sum dC_x/dw
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
        with torch.no_grad():
            accuracy = float((model(x_test).argmax(1) == y_test).float().mean())
        if args.json:
            print(json.dumps({"epoch": epoch, "test_accuracy": accuracy, "seconds": seconds[-1]}))
    median = float(np.median(seconds))
    final = {"test_accuracy": accuracy, "epochs": args.epochs, "seconds_per_epoch": median, "samples_per_second": n / median,
             "threads": args.threads, "optimizer": args.optimizer,
             "engine": f"torch {torch.__version__} threads={torch.get_num_threads()}"}
    print(json.dumps(final))


if __name__ == "__main__":
    main()
