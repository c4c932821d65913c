#!/usr/bin/python3
"""PyTorch float64 reference of Backprop.Simd's full-batch training steps (used by TorchAgreementTests).

Usage: /usr/bin/python3 torch_optim_reference.py DIR

DIR holds layout.json, optim.json, x.npy, y.npy, W1.npy, b1.npy, ..., WL.npy, bL.npy (float64).
Writes torch_costs.npy [steps] (the cost before each update), torch_lrs.npy [steps] (the learning
rate each step used) and torch_W1.npy, torch_b1.npy, ... (the parameters after all steps) into DIR.
Prints nothing on success; on anything malformed, one line on stderr and a non-zero exit.
"""

import inspect
import json
import math
import os
import sys
import warnings

ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity", "softmax")
COSTS = ("quadratic", "cross-entropy", "log-likelihood")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "adamw")
SCHEDULES = ("constant", "step", "exponential", "cosine")
VARIANTS = (None, "adam-no-bias-correction")
OPTIM_KEYS = {"optimizer", "lr", "momentum", "beta1", "beta2", "eps", "weight_decay", "l2", "clip_norm",
              "schedule", "warmup", "steps", "variant"}
SCHEDULE_KEYS = {"kind", "step_size", "gamma", "t_max", "eta_min"}
LAYOUT_KEYS = {"sizes", "activations", "cost"}


class Malformed(Exception):
    pass


def fail(message):
    raise Malformed(message)


def load_json(directory, name):
    path = os.path.join(directory, name)
    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
    except FileNotFoundError:
        fail(f"{name} is missing")
    except (OSError, ValueError) as e:
        fail(f"{name} is not readable JSON: {e}")
    if not isinstance(value, dict):
        fail(f"{name} is not a JSON object")
    return value


def check_keys(obj, keys, where):
    missing = sorted(keys - obj.keys())
    extra = sorted(obj.keys() - keys)
    if missing:
        fail(f"{where}: missing key(s) {', '.join(missing)}")
    if extra:
        fail(f"{where}: unknown key(s) {', '.join(extra)}")


def number(obj, key, where, low=None, low_inclusive=True, high=None, high_inclusive=True):
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        fail(f"{where}.{key} must be a finite number, got {value!r}")
    value = float(value)
    if low is not None and (value < low or (not low_inclusive and value == low)):
        fail(f"{where}.{key} = {value} is out of range")
    if high is not None and (value > high or (not high_inclusive and value == high)):
        fail(f"{where}.{key} = {value} is out of range")
    return value


def integer(obj, key, where, low):
    value = obj[key]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        fail(f"{where}.{key} must be an integer, got {value!r}")
    if value < low:
        fail(f"{where}.{key} = {value} must be at least {low}")
    return value


def load_array(np, directory, name, shape):
    path = os.path.join(directory, name)
    if not os.path.isfile(path):
        fail(f"{name} is missing")
    try:
        array = np.load(path, allow_pickle=False)
    except Exception as e:  # noqa: BLE001 - any unreadable file is malformed input
        fail(f"{name} is not a readable .npy file: {e}")
    if array.dtype != np.float64:
        fail(f"{name} has dtype {array.dtype}, expected float64")
    if shape is not None and tuple(array.shape) != tuple(shape):
        fail(f"{name} has shape {list(array.shape)}, expected {list(shape)}")
    if not np.all(np.isfinite(array)):
        fail(f"{name} contains non-finite values")
    return np.ascontiguousarray(array)


def read_layout(directory):
    layout = load_json(directory, "layout.json")
    check_keys(layout, LAYOUT_KEYS, "layout.json")
    sizes, activations, cost = layout["sizes"], layout["activations"], layout["cost"]
    if (not isinstance(sizes, list) or len(sizes) < 2
            or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes)):
        fail("layout.json: sizes must be a list of at least two positive integers")
    if not isinstance(activations, list) or len(activations) != len(sizes) - 1:
        fail(f"layout.json: activations must list one activation per layer ({len(sizes) - 1})")
    for i, a in enumerate(activations):
        if a not in ACTIVATIONS:
            fail(f"layout.json: unknown activation {a!r}")
        if a == "softmax" and i != len(activations) - 1:
            fail("layout.json: softmax is only allowed on the last layer")
    if cost not in COSTS:
        fail(f"layout.json: unknown cost {cost!r}")
    return sizes, activations, cost


def read_optim(directory):
    o = load_json(directory, "optim.json")
    check_keys(o, OPTIM_KEYS, "optim.json")
    where = "optim.json"
    if o["optimizer"] not in OPTIMIZERS:
        fail(f"optim.json: unknown optimizer {o['optimizer']!r}")
    if o["variant"] not in VARIANTS:
        fail(f"optim.json: unknown variant {o['variant']!r}")
    if o["variant"] == "adam-no-bias-correction" and o["optimizer"] != "adam":
        fail("optim.json: variant adam-no-bias-correction needs optimizer adam")
    c = {
        "optimizer": o["optimizer"],
        "variant": o["variant"],
        "lr": number(o, "lr", where, 0.0, False),
        "momentum": number(o, "momentum", where, 0.0, True, 1.0, False),
        "beta1": number(o, "beta1", where, 0.0, True, 1.0, False),
        "beta2": number(o, "beta2", where, 0.0, True, 1.0, False),
        "eps": number(o, "eps", where, 0.0, True),
        "weight_decay": number(o, "weight_decay", where, 0.0),
        "l2": number(o, "l2", where, 0.0),
        "clip_norm": None if o["clip_norm"] is None else number(o, "clip_norm", where, 0.0, False),
        "warmup": integer(o, "warmup", where, 0),
        "steps": integer(o, "steps", where, 0),
    }
    if c["optimizer"] == "nesterov" and c["momentum"] == 0.0:
        fail("optim.json: nesterov needs a momentum above 0")
    s = o["schedule"]
    if not isinstance(s, dict):
        fail("optim.json: schedule must be an object")
    check_keys(s, SCHEDULE_KEYS, "optim.json schedule")
    where = "optim.json schedule"
    if s["kind"] not in SCHEDULES:
        fail(f"optim.json: unknown schedule kind {s['kind']!r}")
    c["kind"] = s["kind"]
    if c["kind"] == "step":
        c["step_size"] = integer(s, "step_size", where, 1)
        c["gamma"] = number(s, "gamma", where, 0.0, False)
    elif c["kind"] == "exponential":
        c["gamma"] = number(s, "gamma", where, 0.0, False)
    elif c["kind"] == "cosine":
        c["t_max"] = integer(s, "t_max", where, 1)
        c["eta_min"] = number(s, "eta_min", where, 0.0)
    if c["warmup"] > 0 and c["kind"] != "constant":
        fail(f"optim.json: warmup is only supported with the constant schedule, not {c['kind']!r}")
    return c


def accepted(constructor, **kwargs):
    """The keyword arguments the constructor accepts (foreach, maximize, ... differ between versions)."""
    params = inspect.signature(constructor).parameters
    required = {"lr", "momentum", "dampening", "nesterov", "betas", "eps", "weight_decay"}
    return {k: v for k, v in kwargs.items() if k in params or k in required}


def run(directory):
    if not os.path.isdir(directory):
        fail(f"{directory} is not a directory")
    sizes, activations, cost = read_layout(directory)
    c = read_optim(directory)

    import numpy as np
    import torch

    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")  # e.g. the scheduler-before-optimizer warning of the hand-made Adam

    x_np = load_array(np, directory, "x.npy", None)
    if x_np.ndim != 2 or x_np.shape[1] != sizes[0] or x_np.shape[0] < 1:
        fail(f"x.npy has shape {list(x_np.shape)}, expected [n >= 1, {sizes[0]}]")
    n = x_np.shape[0]
    y_np = load_array(np, directory, "y.npy", (n, sizes[-1]))
    layers = len(sizes) - 1
    weights, biases = [], []
    for l in range(1, layers + 1):
        w = load_array(np, directory, f"W{l}.npy", (sizes[l], sizes[l - 1]))
        b = load_array(np, directory, f"b{l}.npy", (sizes[l],))
        weights.append(torch.tensor(w, dtype=torch.float64, requires_grad=True))
        biases.append(torch.tensor(b, dtype=torch.float64, requires_grad=True))
    x = torch.tensor(x_np, dtype=torch.float64)
    y = torch.tensor(y_np, dtype=torch.float64)
    params = [p for pair in zip(weights, biases) for p in pair]

    def forward():
        a = x
        for w, b, act in zip(weights, biases, activations):
            z = a @ w.T + b
            if act == "sigmoid":
                a = torch.sigmoid(z)
            elif act == "tanh":
                a = torch.tanh(z)
            elif act == "relu":
                a = torch.relu(z)
            elif act == "softmax":
                a = torch.softmax(z, dim=-1)
            else:
                a = z
        return a

    def loss_of(a):
        if cost == "quadratic":
            per_sample = 0.5 * ((a - y) ** 2).sum(dim=-1)
        elif cost == "cross-entropy":
            per_sample = -(torch.special.xlogy(y, a) + torch.special.xlogy(1.0 - y, 1.0 - a)).sum(dim=-1)
        else:
            per_sample = -torch.special.xlogy(y, a).sum(dim=-1)
        return per_sample.mean()

    # Weights and biases in separate groups: decay (L2 or decoupled) applies to the weights only.
    opt = c["optimizer"]
    weight_decay = c["l2"] if opt in ("sgd", "momentum", "nesterov") else c["weight_decay"]
    groups = [{"params": weights, "weight_decay": weight_decay}, {"params": biases, "weight_decay": 0.0}]
    common = dict(foreach=False, maximize=False)
    if opt in ("sgd", "momentum", "nesterov"):
        optimizer = torch.optim.SGD(groups, **accepted(
            torch.optim.SGD, lr=c["lr"], momentum=0.0 if opt == "sgd" else c["momentum"], dampening=0.0,
            nesterov=opt == "nesterov", weight_decay=weight_decay, **common))
    else:
        cls = torch.optim.Adam if opt == "adam" else torch.optim.AdamW
        optimizer = cls(groups, **accepted(
            cls, lr=c["lr"], betas=(c["beta1"], c["beta2"]), eps=c["eps"], weight_decay=weight_decay,
            amsgrad=False, **common))

    sched = torch.optim.lr_scheduler
    if c["warmup"] > 1:
        scheduler = sched.LinearLR(optimizer, start_factor=1.0 / c["warmup"], end_factor=1.0,
                                   total_iters=c["warmup"] - 1)
    elif c["kind"] == "step":
        scheduler = sched.StepLR(optimizer, step_size=c["step_size"], gamma=c["gamma"])
    elif c["kind"] == "exponential":
        scheduler = sched.ExponentialLR(optimizer, gamma=c["gamma"])
    elif c["kind"] == "cosine":
        scheduler = sched.CosineAnnealingLR(optimizer, T_max=c["t_max"], eta_min=c["eta_min"])
    else:
        scheduler = None  # constant, or a warmup of one step (factor 1 throughout)

    hand_adam = c["variant"] == "adam-no-bias-correction"
    moments = {id(p): (torch.zeros_like(p), torch.zeros_like(p)) for p in params} if hand_adam else None

    costs = np.zeros(c["steps"], dtype=np.float64)
    lrs = np.zeros(c["steps"], dtype=np.float64)
    for step in range(c["steps"]):
        optimizer.zero_grad(set_to_none=False)
        loss = loss_of(forward())
        costs[step] = loss.item()
        lrs[step] = optimizer.param_groups[0]["lr"]
        loss.backward()
        if c["clip_norm"] is not None:
            torch.nn.utils.clip_grad_norm_(params, c["clip_norm"])
        if hand_adam:
            # Deliberately wrong Adam: no bias correction of m and v.
            b1, b2, eps = c["beta1"], c["beta2"], c["eps"]
            with torch.no_grad():
                for group in optimizer.param_groups:
                    for p in group["params"]:
                        g = p.grad if group["weight_decay"] == 0 else p.grad + group["weight_decay"] * p
                        m, v = moments[id(p)]
                        m.mul_(b1).add_(g, alpha=1.0 - b1)
                        v.mul_(b2).addcmul_(g, g, value=1.0 - b2)
                        p.sub_(group["lr"] * m / (v.sqrt() + eps))
        else:
            optimizer.step()
        if scheduler is not None:
            scheduler.step()

    if not np.all(np.isfinite(costs)):
        fail("the run diverged: non-finite cost")
    np.save(os.path.join(directory, "torch_costs.npy"), costs)
    np.save(os.path.join(directory, "torch_lrs.npy"), lrs)
    for l, (w, b) in enumerate(zip(weights, biases), start=1):
        np.save(os.path.join(directory, f"torch_W{l}.npy"), w.detach().numpy().astype(np.float64))
        np.save(os.path.join(directory, f"torch_b{l}.npy"), b.detach().numpy().astype(np.float64))


def main(argv):
    if len(argv) != 2:
        print("usage: torch_optim_reference.py DIR", file=sys.stderr)
        return 2
    try:
        run(argv[1])
    except Malformed as e:
        print(f"torch_optim_reference: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - one line, never a traceback
        message = " ".join(str(e).split()) or type(e).__name__
        print(f"torch_optim_reference: {type(e).__name__}: {message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
