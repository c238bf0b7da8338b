"""Train a small convolutional network on scikit-learn's handwritten digits with plax.

The data set (1797 8x8 grey-level images of the digits 0-9) ships inside the
scikit-learn package, so nothing is downloaded.  The model is a ``plax.stax``
network, the loss is differentiated with ``grad`` and the whole training step
(forward, backward, Adam update) is compiled once with ``jit``:

    python examples/digits_classifier.py               # full run: >= 97% test accuracy
    python examples/digits_classifier.py --plot curves.png
    python examples/digits_classifier.py --fast        # a few steps (used by the tests)

A progress bar (tqdm, when installed) shows the loss and the examples per second.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import plax
import plax.numpy as jnp
from plax import jit, random
from plax.example_libraries import optimizers, stax


def load_digits(seed: int, test_fraction: float = 0.2):
    """Images as float32 NHWC in [0, 1], integer labels; a shuffled train/test split."""
    from sklearn.datasets import load_digits as sklearn_digits
    data = sklearn_digits()
    images = (data.images / 16.0).astype(np.float32)[..., None]
    labels = data.target.astype(np.int32)
    order = np.random.default_rng(seed).permutation(len(labels))
    n_test = int(len(labels) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return images[train], labels[train], images[test], labels[test]


def make_model():
    return stax.serial(
        stax.Conv(32, (3, 3), padding="SAME"), stax.Relu,
        stax.Conv(64, (3, 3), padding="SAME"), stax.Relu,
        stax.MaxPool((2, 2), strides=(2, 2)),
        stax.Flatten,
        stax.Dense(128), stax.Relu,
        stax.Dense(10), stax.LogSoftmax,
    )


class _Progress:
    """tqdm when available, else a line per epoch."""

    def __init__(self, total, desc, disable):
        try:
            from tqdm import tqdm
            self.bar = tqdm(total=total, desc=desc, unit="step", disable=disable,
                            dynamic_ncols=True)
        except ImportError:
            self.bar = None
        self.desc = desc

    def update(self, n, **postfix):
        if self.bar is not None:
            self.bar.set_postfix(**postfix, refresh=False)
            self.bar.update(n)

    def close(self, **postfix):
        if self.bar is not None:
            self.bar.close()
        else:
            print(self.desc, " ".join(f"{k}={v}" for k, v in postfix.items()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--step-size", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", metavar="OUT.png", help="save training curves to a PNG")
    parser.add_argument("--fast", action="store_true",
                        help="a few steps on a small subset (a smoke test)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    train_x, train_y, test_x, test_y = load_digits(args.seed)
    if args.fast:
        args.epochs = 1
        train_x, train_y = train_x[:4 * args.batch_size], train_y[:4 * args.batch_size]
        test_x, test_y = test_x[:100], test_y[:100]
    print(f"digits: {len(train_y)} training and {len(test_y)} test images of 8x8 pixels "
          f"(backend: {plax.default_backend()})")

    init_fun, predict = make_model()
    _, params = init_fun(random.PRNGKey(args.seed), (-1, 8, 8, 1))
    opt_init, opt_update, get_params = optimizers.adam(args.step_size)
    opt_state = opt_init(params)

    def loss(params, images, labels):
        log_probs = predict(params, images)
        one_hot = plax.nn.one_hot(labels, 10, dtype=log_probs.dtype)
        return -jnp.mean(jnp.sum(log_probs * one_hot, axis=-1))

    @jit
    def update(i, opt_state, images, labels):
        params = get_params(opt_state)
        value, grads = plax.value_and_grad(loss)(params, images, labels)
        return opt_update(i, grads, opt_state), value

    @jit
    def accuracy(params, images, labels):
        return jnp.mean(jnp.argmax(predict(params, images), axis=-1) == labels)

    batches_per_epoch = len(train_y) // args.batch_size
    rng = np.random.default_rng(args.seed)
    history = {"step": [], "loss": [], "epoch": [], "test_accuracy": []}
    step = 0
    train_start = time.perf_counter()
    for epoch in range(args.epochs):
        progress = _Progress(batches_per_epoch, f"epoch {epoch + 1}/{args.epochs}",
                             args.no_progress)
        order = rng.permutation(len(train_y))
        epoch_start, seen = time.perf_counter(), 0
        for b in range(batches_per_epoch):
            idx = order[b * args.batch_size:(b + 1) * args.batch_size]
            opt_state, value = update(step, opt_state, train_x[idx], train_y[idx])
            step += 1
            seen += len(idx)
            value = float(value)
            history["step"].append(step)
            history["loss"].append(value)
            rate = seen / max(time.perf_counter() - epoch_start, 1e-9)
            progress.update(1, loss=f"{value:.4f}", ex_per_s=f"{rate:,.0f}")
        acc = float(accuracy(get_params(opt_state), test_x, test_y))
        history["epoch"].append(epoch + 1)
        history["test_accuracy"].append(acc)
        progress.close(loss=f"{value:.4f}", test_acc=f"{acc:.2%}")
        if args.no_progress or progress.bar is not None:
            print(f"epoch {epoch + 1}: loss {value:.4f}, test accuracy {acc:.2%}")
    train_time = time.perf_counter() - train_start
    total = time.perf_counter() - start

    acc = history["test_accuracy"][-1]
    print(f"test accuracy: {acc:.2%} after {step} steps; training took {train_time:.1f} s "
          f"({step * args.batch_size / train_time:,.0f} examples/s), {total:.1f} s in all")
    if not args.fast:
        print(f"target >= 97% test accuracy in under 2 minutes: "
              f"{'met' if acc >= 0.97 and total < 120 else 'NOT met'}")

    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
        ax1.plot(history["step"], history["loss"], lw=0.8)
        ax1.set(xlabel="step", ylabel="training loss", yscale="log", title="loss")
        ax2.plot(history["epoch"], history["test_accuracy"], marker="o")
        ax2.set(xlabel="epoch", ylabel="test accuracy", title="test accuracy")
        fig.tight_layout()
        fig.savefig(args.plot, dpi=100)
        print(f"training curves saved to {args.plot}")
    return acc


if __name__ == "__main__":
    main()
    sys.exit(0)
