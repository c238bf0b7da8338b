"""Threefry-2x32 known answers, key derivation, typed keys, errors, the key-reuse checker."""

import numpy as np
import pytest

import plax_core
import plax_random as random
from plax_core import config, ops, tree_util
from plax_random import prng

U32 = np.uint32

# Random123's known-answer vectors (kat_vectors, D. E. Shaw Research; Salmon et al.,
# SC 2011): rounds, counter (x0, x1), key (k0, k1), expected output (y0, y1).
KAT = [
    (13, (0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x9d1c5ec6, 0x8bd50731)),
    (13, (0xffffffff, 0xffffffff), (0xffffffff, 0xffffffff), (0xfd36d048, 0x2d17272c)),
    (13, (0x243f6a88, 0x85a308d3), (0x13198a2e, 0x03707344), (0xba3e4725, 0xf27d669e)),
    (20, (0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6b200159, 0x99ba4efe)),
    (20, (0xffffffff, 0xffffffff), (0xffffffff, 0xffffffff), (0x1cb996fc, 0xbb002be7)),
    (20, (0x243f6a88, 0x85a308d3), (0x13198a2e, 0x03707344), (0xc4923a9c, 0x483df7a0)),
    (32, (0x00000000, 0x00000000), (0x00000000, 0x00000000), (0xcee3d47e, 0xa23dfd5c)),
    (32, (0xffffffff, 0xffffffff), (0xffffffff, 0xffffffff), (0x6e2fe0d0, 0xb1b76f82)),
]


@pytest.mark.parametrize("rounds,ctr,key,expected", KAT)
def test_threefry_known_answers(rounds, ctr, key, expected):
    y0, y1 = random.threefry2x32(U32(key[0]), U32(key[1]), U32(ctr[0]), U32(ctr[1]),
                                 rounds=rounds)
    assert (int(y0), int(y1)) == expected


def test_threefry_is_elementwise_and_broadcasts():
    ctrs = [kat[1] for kat in KAT if kat[0] == 20]
    keys = [kat[2] for kat in KAT if kat[0] == 20]
    x0 = np.array([c[0] for c in ctrs], U32)
    x1 = np.array([c[1] for c in ctrs], U32)
    k0 = np.array([k[0] for k in keys], U32)
    k1 = np.array([k[1] for k in keys], U32)
    y0, y1 = random.threefry2x32(k0, k1, x0, x1)
    assert [(int(a), int(b)) for a, b in zip(np.asarray(y0), np.asarray(y1))] == \
        [kat[3] for kat in KAT if kat[0] == 20]
    # a scalar key with many counters
    y0, y1 = random.threefry2x32(U32(0), U32(0), np.zeros((2, 3), U32), np.zeros((2, 3), U32))
    assert y0.shape == (2, 3) and set(np.asarray(y0).ravel()) == {0x6b200159}


def test_threefry_rejects_other_dtypes():
    with pytest.raises(TypeError, match="uint32"):
        random.threefry2x32(np.int32(0), U32(0), U32(0), U32(0))


def test_threefry_2x32_pairs_halves():
    # JAX's threefry_2x32 hashes count[i] with count[i + n/2] (zero-padded to even size).
    count = np.arange(6, dtype=U32)
    out = np.asarray(random.threefry_2x32((U32(3), U32(4)), count))
    y0, y1 = random.threefry2x32(U32(3), U32(4), count[:3], count[3:])
    np.testing.assert_array_equal(out, np.concatenate([np.asarray(y0), np.asarray(y1)]))
    odd = np.asarray(random.threefry_2x32((U32(3), U32(4)), np.arange(5, dtype=U32)))
    padded = np.concatenate([np.arange(5, dtype=U32), [0]]).astype(U32)
    y0, y1 = random.threefry2x32(U32(3), U32(4), padded[:3], padded[3:])
    np.testing.assert_array_equal(odd, np.concatenate([np.asarray(y0), np.asarray(y1)])[:5])


def test_fold_in_is_hash_of_zero_and_data():
    k = random.PRNGKey(42)
    y0, y1 = random.threefry2x32(U32(0), U32(42), U32(0), U32(7))
    np.testing.assert_array_equal(np.asarray(random.fold_in(k, 7)), [int(y0), int(y1)])
    # with the partitionable derivation, split's i-th key is fold_in(key, i)
    keys = np.asarray(random.split(k, 5))
    for i in range(5):
        np.testing.assert_array_equal(keys[i], np.asarray(random.fold_in(k, i)))


def test_iota_2x32_small_and_wide_paths_agree():
    for shape in [(), (1,), (7,), (3, 4), (2, 1, 5)]:
        hi, lo = prng.iota_2x32_shape(shape)
        assert np.all(np.asarray(hi) == 0)
        np.testing.assert_array_equal(np.asarray(lo),
                                      np.arange(int(np.prod(shape)), dtype=U32).reshape(shape))
    # the 64-bit arithmetic used for arrays of more than 2**32 elements
    a = np.array([0, 1, 2 ** 16 + 3, 2 ** 32 - 1, 123456789], U32)
    for b in [0, 1, 2 ** 32 - 1, 99991, 2 ** 20 + 7]:
        hi, lo = prng._wide_mul(a, b)
        want = a.astype(object) * b
        np.testing.assert_array_equal(np.asarray(hi).astype(object), want >> 32)
        np.testing.assert_array_equal(np.asarray(lo).astype(object), want & 0xFFFFFFFF)
    hi, lo = prng._add64((np.array([1], U32), np.array([2 ** 32 - 1], U32)),
                         (np.array([0], U32), np.array([2], U32)))
    assert (int(hi[0]), int(lo[0])) == (2, 1)


# ----------------------------------------------------------------------- seeds

def test_prngkey_seed_rules():
    np.testing.assert_array_equal(np.asarray(random.PRNGKey(0)), [0, 0])
    assert random.PRNGKey(0).dtype == np.uint32 and random.PRNGKey(0).shape == (2,)
    np.testing.assert_array_equal(np.asarray(random.PRNGKey(np.int64(7))), [0, 7])
    np.testing.assert_array_equal(np.asarray(random.PRNGKey(True)), [0, 1])
    with config.override(enable_x64=True):
        np.testing.assert_array_equal(np.asarray(random.PRNGKey(2 ** 40 + 5)), [256, 5])
        np.testing.assert_array_equal(np.asarray(random.PRNGKey(-1)),
                                      [2 ** 32 - 1, 2 ** 32 - 1])
        np.testing.assert_array_equal(np.asarray(random.PRNGKey(np.uint64(2 ** 63))),
                                      [2 ** 31, 0])


@pytest.mark.parametrize("seed,exc,match", [
    (1.0, TypeError, "must be an integer"),
    (np.float32(1.5), TypeError, "must be an integer"),
    (np.array([1, 2]), TypeError, "scalar seed"),
    (2 ** 64, OverflowError, None),
    ("0", TypeError, "integer"),
])
def test_prngkey_bad_seeds(seed, exc, match):
    with pytest.raises(exc, match=match):
        random.PRNGKey(seed)


def test_typed_key_rejects_key_seed():
    with pytest.raises(TypeError, match="PRNG key"):
        random.key(random.key(0))


# ------------------------------------------------------------------- typed keys

def test_typed_keys():
    k = random.key(42)
    assert k.shape == () and k.ndim == 0 and str(k.dtype) == "key<fry>"
    assert isinstance(k, random.PRNGKeyArray)
    np.testing.assert_array_equal(np.asarray(random.key_data(k)), [0, 42])
    ks = random.split(k, 4)
    assert isinstance(ks, random.PRNGKeyArray) and ks.shape == (4,) and len(ks) == 4
    np.testing.assert_array_equal(np.asarray(random.key_data(ks)),
                                  np.asarray(random.split(random.PRNGKey(42), 4)))
    np.testing.assert_array_equal(np.asarray(random.key_data(ks[1])),
                                  np.asarray(random.key_data(ks))[1])
    assert [kk.shape for kk in ks] == [()] * 4
    assert ks.reshape(2, 2).shape == (2, 2)
    assert random.split(k, (2, 3)).shape == (2, 3)
    assert random.key_impl(k) == "threefry2x32"
    again = random.wrap_key_data(random.key_data(ks))
    assert bool(ops.all(again == ks))
    assert "key<fry>" in repr(k) and "overlaying" in repr(k)
    leaves, tree = tree_util.tree_flatten(ks)
    assert len(leaves) == 1 and leaves[0].shape == (4, 2)
    assert isinstance(tree_util.tree_unflatten(tree, leaves), random.PRNGKeyArray)
    # typed keys stay typed through split/fold_in; values equal the raw-key results
    np.testing.assert_array_equal(np.asarray(random.key_data(random.fold_in(k, 3))),
                                  np.asarray(random.fold_in(random.PRNGKey(42), 3)))
    np.testing.assert_array_equal(np.asarray(random.normal(k, (3,))),
                                  np.asarray(random.normal(random.PRNGKey(42), (3,))))


def test_typed_keys_refuse_arithmetic_and_numpy():
    k = random.key(0)
    with pytest.raises(TypeError, match="arithmetic"):
        k + 1
    with pytest.raises(TypeError, match="key_data"):
        np.asarray(k)


def test_impl_argument():
    assert random.key_impl(random.key(0, impl="threefry2x32")) == "threefry2x32"
    with pytest.raises(ValueError, match="unrecognized PRNG implementation"):
        random.PRNGKey(0, impl="rbg")
    with pytest.raises(ValueError, match="Cannot specify both"):
        random.key(0, impl="threefry2x32", dtype="threefry2x32")


def test_wrap_key_data_checks():
    with pytest.raises(TypeError, match=r"shape ends with \(2,\)"):
        random.wrap_key_data(np.zeros((3,), U32))
    with pytest.raises(TypeError, match="uint32"):
        random.wrap_key_data(np.zeros((2,), np.int32))
    assert random.wrap_key_data(np.zeros((3, 2), U32)).shape == (3,)


# ------------------------------------------------------------------------ errors

@pytest.mark.parametrize("bad,exc,match", [
    (np.zeros(3, U32), TypeError, r"shape ends with \(2,\)"),
    (np.zeros(2, np.float32), TypeError, "dtype uint32"),
    (np.zeros(2, np.int32), TypeError, "dtype uint32"),
    (0, TypeError, r"shape ends with \(2,\)"),
    ([0, 0], TypeError, "unexpected PRNG key type list"),
    (None, TypeError, "unexpected PRNG key type"),
    (np.zeros((3, 2), U32), ValueError, "single key.*vmap"),
])
def test_bad_keys(bad, exc, match):
    with pytest.raises(exc, match=match):
        random.uniform(bad, (2,))


def test_batched_typed_key_error_names_shape():
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        random.normal(random.split(random.key(0), 3))


@pytest.mark.parametrize("shape,exc", [
    ((-1,), ValueError), ((2.5,), TypeError), ((2, -3), ValueError), ("ab", TypeError),
    (None, TypeError),
])
def test_bad_shapes(shape, exc):
    with pytest.raises(exc, match="shape"):
        random.uniform(random.PRNGKey(0), shape)


def test_int_shape_accepted_as_in_jax():
    assert random.uniform(random.PRNGKey(0), 3).shape == (3,)


def test_split_and_fold_in_errors():
    k = random.PRNGKey(0)
    with pytest.raises(ValueError, match="non-negative"):
        random.split(k, -1)
    assert random.split(k, 0).shape == (0, 2)
    with pytest.raises(OverflowError, match="uint32"):
        random.fold_in(k, -1)
    with pytest.raises(OverflowError, match="uint32"):
        random.fold_in(k, 2 ** 32)
    with pytest.raises(TypeError, match="scalar"):
        random.fold_in(k, np.arange(3))
    np.testing.assert_array_equal(np.asarray(random.fold_in(k, 1.5)),
                                  np.asarray(random.fold_in(k, 1)))


def test_bits_dtypes():
    k = random.PRNGKey(0)
    assert random.bits(k, (3,)).dtype == np.uint32
    assert random.bits(k, (3,), np.uint8).dtype == np.uint8
    with pytest.raises(ValueError, match="unsigned int"):
        random.bits(k, (3,), np.int32)
    with config.override(enable_x64=True):
        assert random.bits(k, (3,)).dtype == np.uint64


# ------------------------------------------------------------- key-reuse checker

def test_key_reuse_checker_off_by_default():
    k = random.PRNGKey(0)
    random.uniform(k)
    random.uniform(k)


def test_key_reuse_checker_names_both_uses():
    random.reset_key_reuse_records()
    with config.override(check_key_reuse=True):
        k = random.PRNGKey(0)
        random.normal(k, (2,))
        with pytest.raises(random.KeyReuseError,
                           match=r"uniform at .*test_prng.py:\d+.*already consumed by "
                                 r"plax\.random\.normal at .*test_prng.py:\d+"):
            random.uniform(k, (2,))


def test_key_reuse_checker_split_consumes_fold_in_does_not():
    random.reset_key_reuse_records()
    with config.override(check_key_reuse=True):
        k = random.PRNGKey(1)
        a = random.fold_in(k, 0)
        b = random.fold_in(k, 1)
        random.uniform(a)
        random.uniform(b)
        k1, k2 = random.split(k)
        random.normal(k1)
        random.normal(k2)
        with pytest.raises(random.KeyReuseError, match="split"):
            random.normal(k)
        t = random.key(3)
        random.bits(t)
        with pytest.raises(random.KeyReuseError):
            random.split(t)


def test_key_reuse_checker_under_tracing():
    random.reset_key_reuse_records()

    def f(k):
        return random.uniform(k) + random.normal(k)

    with config.override(check_key_reuse=True):
        with pytest.raises(random.KeyReuseError):
            plax_core.make_jaxpr(f)(random.PRNGKey(0))
