"""Trains the network of `examples/ann_to_snn.rs` and writes its data.

A multi-layer perceptron without biases, 64-32-10 with a ReLU hidden layer
and a softmax output, is trained on scikit-learn's 8x8 digits (pixel values
0..16 divided by 16) by plain mini-batch gradient descent on the
cross-entropy, in numpy. It writes, next to this script:

* `digits_mlp.onnx`: the trained network, `input` (N, 64) -> MatMul W1
  (64, 32) -> Relu -> MatMul W2 (32, 10) -> Softmax -> `output`, float32
  weights in `raw_data`;
* `digits_test.csv`: the first 150 digits of the held-out test set, one per
  line: the label, then the 64 pixel values (0..16, row by row).

Usage: python3 make_digits.py (needs numpy, scikit-learn and onnx).
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
N_TEST = 150

digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    digits.data, digits.target, test_size=0.3, random_state=0, stratify=digits.target
)
x_train = x_train / 16.0

rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2.0 / 64), (64, 32))
w2 = rng.normal(0.0, np.sqrt(2.0 / 32), (32, 10))
onehot = np.eye(10)[y_train]
lr = 0.05
for epoch in range(300):
    order = rng.permutation(len(x_train))
    for start in range(0, len(order), 32):
        idx = order[start : start + 32]
        x, t = x_train[idx], onehot[idx]
        h = np.maximum(x @ w1, 0.0)
        z = h @ w2
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        dz = (p - t) / len(idx)
        dh = (dz @ w2.T) * (h > 0)
        w2 -= lr * h.T @ dz
        w1 -= lr * x.T @ dh

w1 = w1.astype(np.float32)
w2 = w2.astype(np.float32)


def accuracy(x, y):
    h = np.maximum((x / 16.0).astype(np.float32) @ w1, 0.0)
    return float(np.mean(np.argmax(h @ w2, axis=1) == y))


print(f"train accuracy {accuracy(x_train * 16.0, y_train):.4f}")
print(f"test accuracy {accuracy(x_test, y_test):.4f}")
print(f"accuracy on the {N_TEST} bundled digits {accuracy(x_test[:N_TEST], y_test[:N_TEST]):.4f}")

graph = helper.make_graph(
    [
        helper.make_node("MatMul", ["input", "W1"], ["h"], name="dense_1"),
        helper.make_node("Relu", ["h"], ["h_relu"], name="relu_1"),
        helper.make_node("MatMul", ["h_relu", "W2"], ["logits"], name="dense_2"),
        helper.make_node("Softmax", ["logits"], ["output"], name="softmax"),
    ],
    "digits_mlp",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 64])],
    [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 10])],
    initializer=[numpy_helper.from_array(w1, "W1"), numpy_helper.from_array(w2, "W2")],
)
model = helper.make_model(graph, producer_name="make_digits.py", opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(HERE, "digits_mlp.onnx"))

with open(os.path.join(HERE, "digits_test.csv"), "w") as f:
    for label, pixels in zip(y_test[:N_TEST], x_test[:N_TEST].astype(int)):
        f.write(",".join(str(v) for v in [label, *pixels]) + "\n")
