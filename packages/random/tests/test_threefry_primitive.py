"""``threefry2x32_p``: one primitive with its rules, and eager samplers staged as one call.

Oracles: the primitive's NumPy reference against the XLA lowering (rolled loop for
rounds divisible by four, unrolled otherwise), a Python loop for ``vmap``, and the
unstaged (traced) samplers for the staged eager ones.  The bits themselves are pinned
against Random123's vectors and JAX 0.10.2 in ``test_prng.py`` and
``test_jax_reference.py``.
"""

import os

import numpy as np
import pytest

import plax
import plax_random as random
from plax_core import get_registry, staging
from plax_random.threefry import threefry2x32_p

U32 = np.uint32


def _words(shape, seed):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 2 ** 32, shape, dtype=np.uint64).astype(U32) for _ in range(4)]


@pytest.mark.parametrize("rounds", [13, 20, 32])
@pytest.mark.parametrize("shape", [(), (7,), (3, 5)])
def test_lowering_matches_numpy_reference(rounds, shape):
    args = _words(shape, rounds + len(shape))
    expected = threefry2x32_p.impl(*args, rounds=rounds)
    eager = threefry2x32_p.bind(*map(plax.device_put, args), rounds=rounds)
    jitted = plax.jit(lambda *a: random.threefry2x32(*a, rounds=rounds))(*args)
    for want, got_e, got_j in zip(expected, eager, jitted):
        np.testing.assert_array_equal(np.asarray(got_e), want)
        np.testing.assert_array_equal(np.asarray(got_j), want)


def test_rules_registered():
    reg = get_registry()
    for table in ("jvp", "batching", "lowering"):
        assert threefry2x32_p in reg.rules(table), table


def test_one_equation_and_one_outlined_function():
    key = random.PRNGKey(0)
    jaxpr = plax.make_jaxpr(lambda k: random.normal(k, (4,)))(key)
    names = [e.primitive.name for e in jaxpr.jaxpr.eqns]
    assert names.count("threefry2x32") == 1

    def five_draws(k):
        return [random.normal(random.fold_in(k, i), (4,)) for i in range(5)]
    text = plax.jit(five_draws).lower(key).as_text()
    # one function per operand type (fold_in hashes scalars, normal (4,) counters),
    # called ten times
    assert text.count("func.func private @threefry2x32") == 2
    assert text.count("stablehlo.while") == 2
    assert text.count("callee = @threefry2x32") == 10


def test_scalar_keys_stay_scalars():
    """A draw's key reaches the cipher as two scalar words, in the jaxpr, the outlined
    function's signature and the loop state (counter-sized key words cost a copy of
    each per loop step: 3x JAX's time on a 10M draw)."""
    key = random.PRNGKey(0)
    jaxpr = plax.make_jaxpr(lambda k: random.normal(k, (6,)))(key)
    (eqn,) = [e for e in jaxpr.jaxpr.eqns if e.primitive.name == "threefry2x32"]
    assert [v.aval.shape for v in eqn.invars] == [(), (), (6,), (6,)]
    text = plax.jit(lambda k: random.normal(k, (6,))).lower(key).as_text()
    assert ("@threefry2x32_0(%arg0: tensor<ui32>, %arg1: tensor<ui32>, "
            "%arg2: tensor<6xui32>, %arg3: tensor<6xui32>)") in text


@pytest.mark.parametrize("shape", [(), (5,), (2, 3)])
def test_scalar_and_full_keys_agree(shape):
    k0, k1, x0, x1 = _words(shape, 4)
    s0, s1 = U32(0x12345678), U32(0x9ABCDEF0)
    want = threefry2x32_p.impl(np.full(shape, s0), np.full(shape, s1), x0, x1, rounds=20)
    got = plax.jit(lambda a, b: threefry2x32_p.bind(s0, s1, a, b, rounds=20))(x0, x1)
    for w, g in zip(want, got):
        np.testing.assert_array_equal(np.asarray(g), w)
    with pytest.raises(TypeError, match="keys of that shape or scalars"):
        threefry2x32_p.bind(k0[..., None] if shape else np.zeros(2, U32), k1, x0, x1,
                            rounds=20)


def test_large_draws_are_unrolled_small_ones_rolled():
    """From UNROLL_MIN_BLOCKS blocks up the cipher is unrolled (XLA fuses it with the
    sampler: ~0.3x JAX's time on a 10M normal); below it, a while loop."""
    from plax_random.lowering import UNROLL_MIN_BLOCKS
    key = random.PRNGKey(0)
    big = plax.jit(lambda k: random.bits(k, (UNROLL_MIN_BLOCKS,))).lower(key).as_text()
    small = plax.jit(lambda k: random.bits(k, (UNROLL_MIN_BLOCKS // 4,))).lower(key)
    assert "stablehlo.while" not in big
    assert "stablehlo.while" in small.as_text()
    # the unrolled and rolled ciphers give the same bits
    words = _words((8,), 11)
    from plax_random import lowering
    old = lowering.UNROLL_MIN_BLOCKS
    try:
        lowering.UNROLL_MIN_BLOCKS = 1
        plax.clear_caches()
        got = plax.jit(lambda *a: threefry2x32_p.bind(*a, rounds=20))(*words)
        assert "stablehlo.while" not in plax.jit(
            lambda *a: threefry2x32_p.bind(*a, rounds=20)).lower(*words).as_text()
    finally:
        lowering.UNROLL_MIN_BLOCKS = old
        plax.clear_caches()
    for w, g in zip(threefry2x32_p.impl(*words, rounds=20), got):
        np.testing.assert_array_equal(np.asarray(g), w)


@pytest.mark.parametrize("dims", [(0, None, 1, 1), (None, 0, None, 0), (1, 1, 0, None)])
def test_vmap_matches_loop(dims):
    n, per = 3, (2, 4)
    args = []
    for i, d in enumerate(dims):
        (w,) = _words(per if d is None else per[:d] + (n,) + per[d:], i)[:1]
        args.append(w)
    out = plax.vmap(lambda *a: random.threefry2x32(*a), in_axes=dims)(*args)
    for b in range(n):
        one = [a if d is None else np.take(a, b, axis=d) for a, d in zip(args, dims)]
        want = threefry2x32_p.impl(*one, rounds=20)
        np.testing.assert_array_equal(np.asarray(out[0])[b], want[0])
        np.testing.assert_array_equal(np.asarray(out[1])[b], want[1])


@pytest.mark.parametrize("key_dims", [(None, None), (0, 0), (0, None)])
def test_vmap_with_scalar_keys(key_dims):
    """Unbatched scalar keys stay scalars; batched ones (one key per example)
    broadcast to the counters' batched shape."""
    n = 3
    keys = [_words((n,), 20 + i)[0] if d == 0 else U32(7 + i)
            for i, d in enumerate(key_dims)]
    x0, x1 = _words((n, 5), 21)[:2]
    out = plax.vmap(lambda a, b, c, d: threefry2x32_p.bind(a, b, c, d, rounds=20),
                    in_axes=(*key_dims, 0, 0))(*keys, x0, x1)
    for b in range(n):
        ks = [np.full(5, k[b] if d == 0 else k, U32) for k, d in zip(keys, key_dims)]
        want = threefry2x32_p.impl(*ks, x0[b], x1[b], rounds=20)
        np.testing.assert_array_equal(np.asarray(out[0])[b], want[0])
        np.testing.assert_array_equal(np.asarray(out[1])[b], want[1])


def test_differentiation_sees_a_constant():
    key = random.PRNGKey(3)
    z = float(random.normal(key, ()))
    assert plax.grad(lambda s: s * random.normal(key, ()))(2.0) == pytest.approx(z)
    primals, tangents = [plax.device_put(w) for w in _words((3,), 9)], None
    rule = get_registry().rules("jvp")[threefry2x32_p]
    tangents = ["t0", "t1", "t2", "t3"]
    outs, touts = rule(primals, tangents, rounds=20)
    np.testing.assert_array_equal(np.asarray(outs[0]), threefry2x32_p.impl(
        *[np.asarray(p) for p in primals], rounds=20)[0])
    assert touts == ["t2", "t3"]          # the counters' (zero) tangents


@pytest.mark.parametrize("sample", [
    lambda k: random.normal(k, (3, 2)),
    lambda k: random.uniform(k, (5,), minval=-2.0, maxval=3.0),
    lambda k: random.bernoulli(k, 0.3, (6,)),
    lambda k: random.bernoulli(k, np.linspace(0, 1, 4, dtype=np.float32)),
    lambda k: random.categorical(k, np.log(np.arange(1, 5, dtype=np.float32)), shape=(7,)),
    lambda k: random.categorical(k, np.zeros((2, 6), np.float32), shape=(3, 2),
                                 replace=False),
    lambda k: random.split(k, 3),
    lambda k: random.fold_in(k, 7),
])
def test_staged_eager_equals_traced(sample):
    key = random.PRNGKey(42)
    eager = sample(key)
    jitted = plax.jit(sample)(key)
    with plax.disable_jit():
        unstaged = sample(key)
    np.testing.assert_array_equal(np.asarray(eager), np.asarray(jitted))
    # op by op, XLA cannot contract ``u * (max - min) + min`` into one fused multiply-add
    # as the compiled program may: JAX 0.10.2 too differs there (below)
    np.testing.assert_allclose(np.asarray(eager), np.asarray(unstaged), rtol=1e-6, atol=0)


def test_staged_uniform_matches_jax_compiled_and_op_by_op():
    """``uniform(PRNGKey(42), (5,), minval=-2.0, maxval=3.0)`` in JAX 0.10.2 (run outside
    the repository): eager and jit give the first row, ``disable_jit`` the second."""
    compiled = np.array([0.44354784, 1.3989859, 1.0813575, 0.8050804, 0.25322306], np.float32)
    op_by_op = np.array([0.44354773, 1.3989859, 1.0813575, 0.8050804, 0.25322294], np.float32)
    key = random.PRNGKey(42)
    # unoptimized (the test sessions' PLAX_XLA_OPT_LEVEL=0) XLA does not contract either
    unoptimized = os.environ.get("PLAX_XLA_OPT_LEVEL") == "0"
    np.testing.assert_array_equal(np.asarray(random.uniform(key, (5,), minval=-2.0,
                                                            maxval=3.0)),
                                  op_by_op if unoptimized else compiled)
    with plax.disable_jit():
        np.testing.assert_array_equal(np.asarray(random.uniform(key, (5,), minval=-2.0,
                                                                maxval=3.0)), op_by_op)


def test_staging_keys_on_types_not_on_array_values():
    key = random.PRNGKey(0)
    random.bernoulli(key, 0.5, (8,))
    before = staging.cached_count()
    for p in (0.1, 0.2, 0.3):                     # p is an operand: one entry
        random.bernoulli(key, p, (8,))
    for i in range(3):                            # so is fold_in's data
        random.fold_in(key, i)
    assert staging.cached_count() - before <= 2
