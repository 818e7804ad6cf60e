"""The main job (placeholder until the layers land): fit a line by hand.

Run with ``python -m tinygraph.demo``.
"""

import numpy as np

import tinygraph as tg


def main():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 200))
    Y = np.array([[1.5, -2.0, 0.5]]) @ X + 0.3 + 0.05 * rng.normal(size=(1, 200))
    W = tg.tensor(rng.normal(size=(1, 3)), requires_grad=True, name="W")
    b = tg.tensor(np.zeros((1, 1)), requires_grad=True, name="b")
    for epoch in range(50):
        J = ((W @ X + b - Y) ** 2).mean() / 2
        W.zero_grad()
        b.zero_grad()
        J.backward()
        W.data -= 0.3 * W.grad
        b.data -= 0.3 * b.grad
        if epoch % 10 == 0 or epoch == 49:
            print(f"epoch {epoch:3d}  cost {J.item():.6f}")


if __name__ == "__main__":
    main()
