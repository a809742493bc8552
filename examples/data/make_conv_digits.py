"""Trains the convolutional network of `examples/ann_to_snn.rs` and writes it.

A network without biases, trained on scikit-learn's 8x8 digits (pixel
values 0..16 divided by 16, the training part of the split of
`make_digits.py`) by plain mini-batch gradient descent on the
cross-entropy, in numpy:

    input (N, 1, 8, 8) -> Conv 4 filters 3x3, pads 1 (the same size)
    -> Relu -> MaxPool 2x2, strides 2 -> (N, 4, 4, 4) -> Flatten
    -> MatMul W (64, 10) -> Softmax -> output

It writes `digits_conv.onnx` next to this script (float32 weights in
`raw_data`). The flattened vector is in ONNX's (channel, row, column)
order. The 150 digits of `digits_test.csv` (written by `make_digits.py`)
are the first 150 of the same held-out test set.

Usage: python3 make_conv_digits.py (needs numpy, scikit-learn and onnx).
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
N_TEST = 150
F = 4

digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    digits.data, digits.target, test_size=0.3, random_state=0, stratify=digits.target
)
x_train = (x_train / 16.0).reshape(-1, 8, 8)
x_test = (x_test / 16.0).reshape(-1, 8, 8)


def patches(x):
    """(N, 8, 8) -> (N, 8, 8, 9): the 3x3 neighbourhood of each pixel, zero-padded."""
    p = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    return np.stack([p[:, i : i + 8, j : j + 8] for i in range(3) for j in range(3)], axis=-1)


def forward(x, k, w):
    """Returns the logits and what the gradient needs."""
    pa = patches(x)
    c = np.maximum(pa @ k.reshape(F, 9).T, 0.0)  # (N, 8, 8, F)
    blocks = c.reshape(-1, 4, 2, 4, 2, F)
    m = blocks.max(axis=(2, 4))  # (N, 4, 4, F)
    flat = m.transpose(0, 3, 1, 2).reshape(len(x), -1)  # ONNX order (F, 4, 4)
    return flat @ w, (pa, c, blocks, m, flat)


rng = np.random.default_rng(0)
k = rng.normal(0.0, np.sqrt(2.0 / 9), (F, 1, 3, 3))
w = rng.normal(0.0, np.sqrt(2.0 / 64), (F * 16, 10))
onehot = np.eye(10)[y_train]
lr = 0.05
for epoch in range(60):
    order = rng.permutation(len(x_train))
    for start in range(0, len(order), 32):
        idx = order[start : start + 32]
        x, t = x_train[idx], onehot[idx]
        z, (pa, c, blocks, m, flat) = forward(x, k, w)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        dz = (p - t) / len(idx)
        dflat = dz @ w.T
        w -= lr * flat.T @ dz
        dm = dflat.reshape(-1, F, 4, 4).transpose(0, 2, 3, 1)
        winner = blocks == m[:, :, None, :, None, :]
        dc = (winner * dm[:, :, None, :, None, :]).reshape(-1, 8, 8, F) * (c > 0)
        dk = np.einsum("nijf,nijk->fk", dc, pa)
        k -= lr * dk.reshape(F, 1, 3, 3)

k = k.astype(np.float32)
w = w.astype(np.float32)


def accuracy(x, y):
    z, _ = forward(x.astype(np.float32), k, w)
    return float(np.mean(np.argmax(z, axis=1) == y))


print(f"train accuracy {accuracy(x_train, y_train):.4f}")
print(f"test accuracy {accuracy(x_test, y_test):.4f}")
print(f"accuracy on the {N_TEST} bundled digits {accuracy(x_test[:N_TEST], y_test[:N_TEST]):.4f}")

graph = helper.make_graph(
    [
        helper.make_node("Conv", ["input", "K"], ["c"], name="conv_1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["c_relu"], name="relu_1"),
        helper.make_node("MaxPool", ["c_relu"], ["m"], name="pool_1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["m"], ["flat"], name="flatten", axis=1),
        helper.make_node("MatMul", ["flat", "W"], ["logits"], name="dense_1"),
        helper.make_node("Softmax", ["logits"], ["output"], name="softmax"),
    ],
    "digits_conv",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 8, 8])],
    [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 10])],
    initializer=[numpy_helper.from_array(k, "K"), numpy_helper.from_array(w, "W")],
)
model = helper.make_model(graph, producer_name="make_conv_digits.py", opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(HERE, "digits_conv.onnx"))
