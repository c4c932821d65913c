#!/usr/bin/env python3
"""Exports the PyTorch MLPs that tests/Backprop.Simd.Tests/Onnx import, with sample inputs and PyTorch's outputs.

Run with Debian's PyTorch (apt-get install python3-torch python3-numpy):
    /usr/bin/python3 tests/Backprop.Simd.Tests/Fixtures/onnx/make_onnx_fixtures.py
Writes NAME.onnx, NAME.x.npy (32 inputs, float32) and NAME.y.npy (torch's outputs) beside this script.
The models cover what torch.onnx.export writes for Linear layers: Gemm with transB=1, MatMul + Add
(from x @ W + b), Flatten and Reshape of the input, and Sigmoid, Tanh, ReLU and Softmax.
"""
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class MatMulMlp(nn.Module):
    """x.reshape(-1, 64) @ W1 + b1 -> tanh -> @ W2 + b2: exported as Reshape, MatMul and Add, no Gemm."""

    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(64, 32) * 0.2)
        self.b1 = nn.Parameter(torch.randn(32) * 0.1)
        self.w2 = nn.Parameter(torch.randn(32, 5) * 0.2)
        self.b2 = nn.Parameter(torch.randn(5) * 0.1)

    def forward(self, x):
        x = x.reshape(-1, 64)
        return torch.tanh(x @ self.w1 + self.b1) @ self.w2 + self.b2


def models():
    yield "torch_sigmoid_784_30_10", nn.Sequential(nn.Linear(784, 30), nn.Sigmoid(), nn.Linear(30, 10), nn.Sigmoid()), (784,), 13
    yield "torch_flatten_relu_softmax_784_100_10", nn.Sequential(
        nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10), nn.Softmax(dim=1)), (1, 28, 28), 13
    yield "torch_reshape_matmul_tanh_64_32_5", MatMulMlp(), (8, 8), 13
    yield "torch_relu_deep_20_64_32_16_3", nn.Sequential(
        nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 3)), (20,), 17


def main():
    torch.manual_seed(7)
    for name, model, sample_shape, opset in models():
        model.eval()
        x = torch.rand(32, *sample_shape)
        with torch.no_grad():
            y = model(x)
        torch.onnx.export(model, x, os.path.join(HERE, name + ".onnx"), opset_version=opset,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        np.save(os.path.join(HERE, name + ".x.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(HERE, name + ".y.npy"), y.numpy().astype(np.float32))
        print(name, "opset", opset, "torch", torch.__version__)


if __name__ == "__main__":
    main()
