"""The digits classifier trained data-parallel: every device takes a slice of each batch.

The batch is split over a one-axis mesh of all the devices (``NamedSharding(mesh,
P("data"))``), the parameters and optimizer state are replicated (``P()``), and the
training step is one ``jit`` with ``in_shardings``/``out_shardings``: XLA's partitioner
runs it on every device and inserts the gradient all-reduce.  The numbers are those of
the single-device run (``examples/digits_classifier.py``): the same batches, the same
updates.  With ``--processes N`` the script starts N copies of itself on this machine,
joined by ``plax.distributed`` (XLA's coordination service, gloo collectives).

    XLA_FLAGS=--xla_force_host_platform_device_count=4 python examples/data_parallel.py
    PLAX_NUM_CPU_DEVICES=2 python examples/data_parallel.py --processes 2
    python examples/data_parallel.py --fast            # a few steps (used by the tests)
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time

import numpy as np


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(args) -> int:
    """Start ``args.processes`` copies of this script joined through plax.distributed."""
    port = _free_port()
    procs = []
    for pid in range(args.processes):
        env = dict(os.environ, PLAX_COORDINATOR_ADDRESS=f"127.0.0.1:{port}",
                   PLAX_NUM_PROCESSES=str(args.processes), PLAX_PROCESS_ID=str(pid))
        argv, skip = [], False
        for a in sys.argv[1:]:                  # the same options, minus --processes
            if skip or a.startswith("--processes"):
                skip = a == "--processes" and not skip
                continue
            argv.append(a)
        procs.append(subprocess.Popen([sys.executable, __file__, *argv, "--worker"],
                                      env=env))
    codes = [p.wait(timeout=1800) for p in procs]
    return max(codes)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--step-size", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=1,
                        help="run on this many processes of this machine")
    parser.add_argument("--fast", action="store_true", help="a few steps (a smoke test)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.processes > 1 and not args.worker:
        return launch(args)

    import plax
    import plax.distributed
    if args.worker:
        plax.distributed.initialize()       # first thing: before any plax operation
    import plax.numpy as jnp
    from plax import jit, random
    from plax.example_libraries import optimizers
    from plax.sharding import Mesh, NamedSharding, P

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from digits_classifier import load_digits, make_model

    devices = sorted(plax.devices(), key=lambda d: d.id)
    mesh = Mesh(np.array(devices), ("data",))
    data, replicated = NamedSharding(mesh, P("data")), NamedSharding(mesh, P())
    me = devices[0].client.process_index() if hasattr(devices[0], "client") else 0
    say = print if me == 0 else (lambda *a, **k: None)

    train_x, train_y, test_x, test_y = load_digits(args.seed)
    if args.fast:
        args.epochs = 1
        train_x, train_y = train_x[:4 * args.batch_size], train_y[:4 * args.batch_size]
        test_x, test_y = test_x[:100], test_y[:100]
    batch = args.batch_size - args.batch_size % len(devices)
    processes = len({getattr(d, "process_index", 0) for d in devices})
    say(f"digits: {len(train_y)} training and {len(test_y)} test images; batch {batch} "
        f"split over {len(devices)} devices in {processes} process(es)")

    init_fun, predict = make_model()
    _, params = init_fun(random.PRNGKey(args.seed), (-1, 8, 8, 1))
    opt_init, opt_update, get_params = optimizers.adam(args.step_size)
    opt_state = opt_init(params)

    def loss(params, images, labels):
        log_probs = predict(params, images)
        one_hot = plax.nn.one_hot(labels, 10, dtype=log_probs.dtype)
        return -jnp.mean(jnp.sum(log_probs * one_hot, axis=-1))

    def update(i, opt_state, images, labels):
        value, grads = plax.value_and_grad(loss)(get_params(opt_state), images, labels)
        return opt_update(i, grads, opt_state), value

    step_fn = jit(update, in_shardings=(replicated, replicated, data, data),
                  out_shardings=(replicated, replicated))
    correct = jit(lambda p, x, y: jnp.sum(jnp.argmax(predict(p, x), axis=-1) == y),
                  in_shardings=(replicated, replicated, replicated),
                  out_shardings=replicated)

    rng = np.random.default_rng(args.seed)
    start, step = time.perf_counter(), 0
    for epoch in range(args.epochs):
        order = rng.permutation(len(train_y))
        for b in range(len(train_y) // batch):
            idx = order[b * batch:(b + 1) * batch]
            opt_state, value = step_fn(np.int32(step), opt_state, train_x[idx],
                                       train_y[idx])
            step += 1
        acc = float(np.asarray(correct(get_params(opt_state), test_x, test_y))) / len(test_y)
        say(f"epoch {epoch + 1}: loss {float(np.asarray(value)):.4f}, test accuracy "
            f"{acc:.2%}")
    elapsed = time.perf_counter() - start
    say(f"test accuracy: {acc:.2%} after {step} steps on {len(devices)} devices "
        f"({step * batch / elapsed:,.0f} examples/s)")
    if args.worker:
        plax.distributed.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
