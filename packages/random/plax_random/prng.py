"""Threefry-2x32, keys, and JAX's key derivation (``PRNGKey``, ``key``, ``split``, ...).

plax's random numbers are JAX's: a key is two uint32 words, and every random value is
a pure function of a key, computed by the Threefry-2x32 block cipher of Salmon et al.
("Parallel random numbers: as easy as 1, 2, 3", SC 2011) with 20 rounds.  Given a key
``(k0, k1)`` and a 64-bit counter ``(hi, lo)``, ``threefry2x32`` returns two
pseudo-random uint32 words; everything else is a choice of counters:

- ``PRNGKey(seed)``: the key ``(seed >> 32, seed & 0xFFFFFFFF)`` of the 64-bit seed
  (a 32-bit seed gives ``(0, seed)``; negative seeds wrap as two's complement).
- ``split(key, shape)``: the key at position ``i`` (row-major) is the hash of counter
  ``i``.  This is JAX's "partitionable" derivation, its default since 0.5.0 (checked
  against JAX 0.10.2 in the tests).
- ``fold_in(key, data)``: the hash of counter ``(0, data)``.
- ``random_bits(key, width, shape)``: element ``i`` hashes counter ``i``; 32-bit values
  are ``y0 ^ y1``, 64-bit values ``y0 << 32 | y1``, 8/16-bit ones truncate ``y0 ^ y1``.

The cipher is one primitive, ``threefry2x32_p`` (``threefry.py``: NumPy reference,
JVP, batching; ``lowering.py``: one outlined StableHLO function); the counters and
everything around them are core's ``lax`` functions.

Keys come in two forms, as in JAX: legacy "raw" keys (uint32 arrays whose last axis has
size 2, made by ``PRNGKey``) and typed keys (``PRNGKeyArray``, made by ``key``), whose
dtype is ``key<fry>`` and whose shape leaves out the two words.  A typed key array is a
pytree with one leaf (its uint32 data), so it passes through ``vmap`` and ``jit``.

The opt-in key-reuse checker (``config.update("check_key_reuse", True)``) remembers
every key object a sampler or ``split`` consumed and raises ``KeyReuseError``, naming
both call sites, when the same key object is consumed again.  ``fold_in`` and
``key_data`` do not consume (folding distinct data into one key is the intended use).
"""

from __future__ import annotations

import collections
import math
import operator
import os
import sys
import weakref

import numpy as np

from plax_core import config as _config
from plax_core import dtypes, errors, lax, ops, tree_util
from plax_core.core import Tracer, get_aval, is_array_like
from plax_core.staging import staged

from .threefry import threefry2x32_p

__all__ = [
    "KeyReuseError", "PRNGKey", "PRNGKeyArray", "clone", "fold_in", "iota_2x32_shape", "key",
    "key_data", "key_dtype", "key_impl", "random_bits", "split", "threefry2x32",
    "threefry_2x32", "wrap_key_data",
]

_U32 = np.dtype(np.uint32)
UINT_DTYPES = {8: np.dtype(np.uint8), 16: np.dtype(np.uint16), 32: _U32,
               64: np.dtype(np.uint64)}
IMPL_NAME = "threefry2x32"


# ----------------------------------------------------------------------- threefry

def _shape(x) -> tuple:
    return get_aval(x).shape


def threefry2x32(k0, k1, x0, x1, rounds: int = 20):
    """The Threefry-2x32 block function: key ``(k0, k1)``, counter ``(x0, x1)``.

    All four are uint32 arrays (any broadcast-compatible shapes, NumPy rules); the
    result is the pair of uint32 arrays of the broadcast shape.  ``rounds`` is 20 for
    JAX's generator; 13 and 32 are the other variants Random123 publishes vectors for.
    One ``threefry2x32`` primitive (``threefry.py``) computes it.
    """
    args = [ops.operand(a, "threefry2x32", i) for i, a in enumerate((k0, k1, x0, x1))]
    for i, a in enumerate(args):
        if get_aval(a).dtype != _U32:
            raise TypeError(f"threefry2x32 requires uint32 arguments, got "
                            f"{get_aval(a).dtype.name} for argument {i}")
    shape = ops.broadcast_shapes(*map(_shape, args), fname="threefry2x32")
    # scalar key words stay scalars (the primitive broadcasts them inside the cipher)
    k0, k1, x0, x1 = (a if i < 2 and _shape(a) == () else ops.broadcast_to(a, shape)
                      for i, a in enumerate(args))
    y0, y1 = threefry2x32_p.bind(k0, k1, x0, x1, rounds=int(rounds))
    return y0, y1


def threefry_2x32(keypair, count):
    """Hash every word of the uint32 array ``count`` with the key ``keypair``.

    JAX's ``threefry_2x32``: the flattened counts (padded with a zero to even length)
    are split in halves that form the two counter words; the outputs are joined again.
    """
    k0, k1 = keypair
    count = ops.operand(count, "threefry_2x32")
    shape = _shape(count)
    flat = ops.reshape(count, (-1,))
    n = flat.shape[0]
    if n % 2:
        flat = lax.concatenate([flat, lax.full((1,), np.uint32(0))], 0)
    half = flat.shape[0] // 2
    y0, y1 = threefry2x32(k0, k1, lax.slice(flat, (0,), (half,)),
                          lax.slice(flat, (half,), (2 * half,)))
    out = lax.concatenate([y0, y1], 0)
    if n % 2:
        out = lax.slice(out, (0,), (n,))
    return lax.reshape(out, shape)


# ------------------------------------------------------------------ 64-bit counters

def _wide_mul(a, b: int):
    """``(hi, lo)`` of the 64-bit product of the uint32 array ``a`` and ``b < 2**32``."""
    mask = np.uint32(0xFFFF)
    a0 = lax.bitwise_and(a, mask)
    a1 = lax.shift_right_logical(a, np.uint32(16))
    b0, b1 = np.uint32(b & 0xFFFF), np.uint32(b >> 16)
    p00, p01 = lax.mul(a0, b0), lax.mul(a0, b1)
    p10, p11 = lax.mul(a1, b0), lax.mul(a1, b1)
    sixteen = np.uint32(16)
    mid = lax.add(lax.add(lax.shift_right_logical(p00, sixteen), lax.bitwise_and(p01, mask)),
                  lax.bitwise_and(p10, mask))
    lo = lax.bitwise_or(lax.shift_left(mid, sixteen), lax.bitwise_and(p00, mask))
    hi = lax.add(lax.add(p11, lax.shift_right_logical(p01, sixteen)),
                 lax.add(lax.shift_right_logical(p10, sixteen),
                         lax.shift_right_logical(mid, sixteen)))
    return hi, lo


def _add64(a, b):
    hi_a, lo_a = a
    hi_b, lo_b = b
    lo = lax.add(lo_a, lo_b)
    carry = lax.convert_element_type(lax.lt(lo, lo_a), _U32)
    return lax.add(lax.add(hi_a, hi_b), carry), lo


def iota_2x32_shape(shape):
    """The row-major position of every element of ``shape`` as a 64-bit counter.

    Returns ``(hi, lo)``, two uint32 arrays of ``shape`` (JAX's ``iota_2x32_shape``).
    """
    shape = tuple(shape)
    if not shape:
        zero = lax.full((), np.uint32(0))
        return zero, zero
    if any(d >= 2 ** 32 for d in shape):
        raise NotImplementedError(f"random values for a dimension of size >= 2**32: "
                                  f"{shape}")
    strides = [math.prod(shape[i + 1:]) for i in range(len(shape))]
    terms = [(d, s) for d, s in enumerate(strides) if shape[d] > 1]
    zeros = lax.full(shape, np.uint32(0))
    if not terms:
        return zeros, zeros
    if math.prod(shape) <= 2 ** 32:          # no index needs more than 32 bits
        lo = None
        for d, s in terms:
            t = lax.broadcasted_iota(_U32, shape, d)
            if s != 1:
                t = lax.mul(t, lax.full(shape, np.uint32(s)))
            lo = t if lo is None else lax.add(lo, t)
        return zeros, lo
    acc = (zeros, zeros)
    for d, s in terms:
        t = lax.broadcasted_iota(_U32, shape, d)
        hi, lo = _wide_mul(t, s & 0xFFFFFFFF)
        if s >> 32:
            hi = lax.add(hi, lax.mul(t, lax.full(shape, np.uint32(s >> 32))))
        acc = _add64(acc, (hi, lo))
    return acc


# ---------------------------------------------------------------- key data helpers

def _words(data):
    """The two words of key data ``(..., 2)``, each of shape ``(...)``."""
    data = ops.operand(data)
    n = get_aval(data).ndim
    return (lax.index_in_dim(data, 0, n - 1, keepdims=False),
            lax.index_in_dim(data, 1, n - 1, keepdims=False))


def _hash_counters(data, c0, c1):
    """Hash counters ``(c0, c1)`` (shape S) with keys ``data`` (shape B + (2,)).

    Returns two uint32 arrays of shape ``B + S``: every key hashes every counter.
    """
    k0, k1 = _words(data)
    batch, cshape = _shape(k0), _shape(c0)
    out = batch + cshape
    if batch and cshape:
        nb = len(batch)
        k0, k1 = (lax.broadcast_in_dim(k, out, tuple(range(nb))) for k in (k0, k1))
        c0, c1 = (lax.broadcast_in_dim(c, out, tuple(range(nb, len(out))))
                  for c in (c0, c1))
    return threefry2x32(k0, k1, c0, c1)


def _stack_words(y0, y1):
    n = get_aval(y0).ndim
    return lax.concatenate([lax.expand_dims(y0, (n,)), lax.expand_dims(y1, (n,))], n)


def split_data(data, shape):
    """Keys of ``shape`` from every key of ``data``: ``B + (2,)`` -> ``B + shape + (2,)``."""
    c0, c1 = iota_2x32_shape(shape)
    return _stack_words(*_hash_counters(data, c0, c1))


def fold_in_data(data, value):
    """``fold_in`` on key data: the hash of counter ``(0, value)`` (``value`` uint32)."""
    value = ops.operand(value)
    return _stack_words(*_hash_counters(data, lax.full(_shape(value), np.uint32(0)), value))


def random_bits(data, bit_width: int, shape):
    """Uniform unsigned integers of ``bit_width`` bits: shape ``B + shape`` for keys ``B``."""
    if bit_width not in UINT_DTYPES:
        raise TypeError(f"random_bits requires 8-, 16-, 32- or 64-bit field width, got "
                        f"{bit_width}")
    shape = tuple(shape)
    if math.prod(shape) > 2 ** 64:
        raise NotImplementedError("random bits array of size exceeding 2 ** 64")
    c0, c1 = iota_2x32_shape(shape)
    y0, y1 = _hash_counters(data, c0, c1)
    dtype = UINT_DTYPES[bit_width]
    if bit_width == 64:
        hi = lax.convert_element_type(y0, dtype)
        lo = lax.convert_element_type(y1, dtype)
        return lax.bitwise_or(lax.shift_left(hi, np.array(32, dtype)), lo)
    bits = lax.bitwise_xor(y0, y1)
    return bits if bit_width == 32 else lax.convert_element_type(bits, dtype)


def seed_data(seed, name: str = "PRNGKey"):
    """JAX's ``threefry_seed``: uint32[2] key data from an integer seed."""
    if isinstance(seed, PRNGKeyArray):
        raise TypeError(f"{name} accepts a scalar seed, but was given a PRNG key.")
    if isinstance(seed, (float, complex)) and not isinstance(seed, bool):
        raise TypeError(f"PRNG key seed must be an integer; got {seed!r} of type "
                        f"{type(seed).__name__}")
    if isinstance(seed, int):
        seed = np.int64(seed)          # OverflowError beyond 64 bits, as in JAX
        if not _config.enable_x64:     # JAX's x32 mode keeps the low 32 bits
            seed = seed.astype(np.int32)
    elif isinstance(seed, (np.ndarray, np.generic)):
        seed = np.asarray(seed)
        if seed.dtype.kind in "iu":
            seed = seed.astype(dtypes.canonicalize_dtype(seed.dtype))
    elif not is_array_like(seed):
        raise TypeError(f"{name}: the seed must be an integer or an integer array, got "
                        f"{type(seed).__name__}")
    aval = get_aval(seed)
    if aval.ndim:
        raise TypeError(f"{name} accepts a scalar seed, but was given an array of shape "
                        f"{aval.shape} != (). Use vmap for batching")
    if aval.dtype.kind not in "iu":
        raise TypeError(f"PRNG key seed must be an integer; got an array of dtype "
                        f"{aval.dtype.name}")
    if aval.dtype.itemsize == 8:
        k0 = lax.convert_element_type(lax.shift_right_logical(seed, np.array(32, aval.dtype)),
                                      _U32)
    else:
        k0 = lax.full((), np.uint32(0))
    k1 = lax.convert_element_type(seed, _U32)
    return _stack_words(k0, k1)


# ---------------------------------------------------------------------- typed keys

class KeyDType:
    """The dtype of typed key arrays (``key<fry>``, as JAX prints it)."""

    name = "key<fry>"
    impl = IMPL_NAME
    kind = "V"

    def __repr__(self):
        return self.name

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, KeyDType) or other == self.name

    def __hash__(self):
        return hash(self.name)


KEY_DTYPE = KeyDType()


class PRNGKeyArray:
    """An array of typed PRNG keys (``plax.random.key``); its data is ``uint32[..., 2]``.

    It supports what keys need: ``shape``, ``ndim``, ``size``, ``dtype``, indexing,
    ``len``, iteration, ``reshape``, ``==`` and passing through transformations (it is
    a pytree whose leaf is its data).  Arithmetic on keys is refused, as in JAX.
    """

    __slots__ = ("_base", "__weakref__")

    def __init__(self, base):
        self._base = base

    shape = property(lambda self: _shape(self._base)[:-1],
                     doc="The shape of the array of keys (its data has one more axis, of 2).")
    ndim = property(lambda self: len(self.shape), doc="The number of axes.")
    size = property(lambda self: math.prod(self.shape), doc="The number of keys.")
    dtype = property(lambda self: KEY_DTYPE, doc="The key dtype, ``key<fry>``.")

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object (a 0-d key array)")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d key array")
        return (self[i] for i in range(self.shape[0]))

    def __getitem__(self, idx):
        idx = idx if isinstance(idx, tuple) else (idx,)
        if Ellipsis not in idx:
            idx = idx + (Ellipsis,)
        return PRNGKeyArray(ops.getitem(self._base, idx + (slice(None),)))

    def reshape(self, *shape):
        """The same keys in a new shape: ``keys.reshape(2, 3)`` or ``((2, 3))``."""
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) \
            else shape
        return PRNGKeyArray(ops.reshape(self._base, tuple(shape) + (2,)))

    def ravel(self):
        """The keys as a 1-d key array (``flatten`` is the same method)."""
        return self.reshape(-1)

    flatten = ravel

    def __eq__(self, other):
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return ops.all(ops.equal(self._base, other._base), axis=-1)

    def __ne__(self, other):
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return ops.logical_not(self == other)

    __hash__ = None

    def block_until_ready(self):
        """Wait until the keys are computed, then return ``self``."""
        if hasattr(self._base, "block_until_ready"):
            self._base.block_until_ready()
        return self

    def __array__(self, *args, **kwargs):
        raise TypeError("a PRNG key array has no NumPy value; use "
                        "plax.random.key_data(keys) for its uint32 data")

    def _refuse(self, *args, **kwargs):
        raise TypeError("arithmetic on PRNG key arrays is not supported; derive new keys "
                        "with plax.random.split or plax.random.fold_in")

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __floordiv__ = __mod__ = __neg__ = __pow__ = _refuse

    def __repr__(self):
        if isinstance(self._base, Tracer):
            return f"PRNGKeyArray(shape={self.shape}, dtype={KEY_DTYPE}) traced by {self._base!r}"
        data = np.asarray(self._base)
        return f"Array({self.shape}, dtype={KEY_DTYPE}) overlaying:\n{data}"


tree_util.register_pytree_node(PRNGKeyArray, lambda k: ((k._base,), None),
                               lambda _, children: PRNGKeyArray(children[0]))


# ------------------------------------------------------------------- key checking

# JAX's class (a TypeError); raised only with ``check_key_reuse`` enabled.
KeyReuseError = errors.KeyReuseError


_CONSUMED: collections.OrderedDict = collections.OrderedDict()
_CONSUMED_MAX = 4096
_HERE = os.path.dirname(os.path.abspath(__file__))


def _call_site() -> str:
    """The first frame outside plax-random (where the user called it)."""
    frame = sys._getframe(1)
    while frame is not None and os.path.dirname(
            os.path.abspath(frame.f_code.co_filename)) == _HERE:
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno} (in {frame.f_code.co_name})"


def _holder(key, ident: int):
    """A callable returning ``key`` while it lives: a weak reference where the type
    allows one (the record is dropped when the key dies), else a strong one (tracers;
    the record then keeps the id from being reused while it exists)."""
    try:
        return weakref.ref(key, lambda _: _CONSUMED.pop(ident, None))
    except TypeError:
        return lambda: key


def _consume(name: str, key) -> None:
    """Record that ``name`` consumed ``key``; raise if it was consumed before."""
    if not _config.check_key_reuse:
        return
    ident = id(key)
    site = _call_site()
    prev = _CONSUMED.get(ident)
    if prev is not None and prev[0]() is key:
        raise KeyReuseError(
            f"plax.random.{name} at {site} consumed a PRNG key that was already consumed "
            f"by plax.random.{prev[1]} at {prev[2]}. Each key may be used once: derive "
            f"fresh keys with plax.random.split (or fold_in) and use each of them once "
            f"(check_key_reuse is enabled).")
    _CONSUMED[ident] = (_holder(key, ident), name, site)
    if len(_CONSUMED) > _CONSUMED_MAX:
        _CONSUMED.popitem(last=False)


def reset_key_reuse_records() -> None:
    """Forget every consumed key (for tests and long-running sessions)."""
    _CONSUMED.clear()


def check_key(name: str, key, allow_batched: bool = False, consume: bool = True):
    """``(data, typed)``: the uint32 data of a raw or typed key, checked.

    A clear TypeError for anything that is not key data (``uint32[..., 2]``), and
    JAX's ValueError for a batch of keys where one key is expected.
    """
    if isinstance(key, PRNGKeyArray):
        data, typed = key._base, True
    else:
        if isinstance(key, (list, tuple)) or not is_array_like(key):
            raise TypeError(f"plax.random.{name}: unexpected PRNG key type "
                            f"{type(key).__name__}; pass a key made by "
                            f"plax.random.PRNGKey, key, split or fold_in")
        data, typed = key, False
    aval = get_aval(data)
    if aval.ndim < 1 or aval.shape[-1] != 2:
        raise TypeError(f"plax.random.{name}: invalid PRNG key data: expected a uint32 "
                        f"array whose shape ends with (2,); got shape {aval.shape}")
    if aval.dtype != _U32:
        raise TypeError(f"plax.random.{name}: invalid PRNG key data: expected dtype "
                        f"uint32; got {aval.dtype.name}")
    if not allow_batched and aval.ndim > 1:
        shape = aval.shape[:-1] if typed else aval.shape
        raise ValueError(f"{name} accepts a single key, but was given a key array of "
                         f"shape {shape} != (). Use vmap for batching.")
    if consume:
        _consume(name, key)
    if isinstance(data, (np.ndarray, np.generic)):
        data = ops.array(data)
    return data, typed


def _wrap(data, typed: bool):
    return PRNGKeyArray(data) if typed else data


# ------------------------------------------------------------------ the public API

def PRNGKey(seed, *, impl=None):
    """A legacy key: ``uint32[2]`` from an integer seed (JAX's ``random.PRNGKey``)."""
    _check_impl(impl)
    return seed_data(seed, "PRNGKey")


def key(seed, *, impl=None, dtype=None):
    """A typed key (shape ``()``, dtype ``key<fry>``) from an integer seed."""
    if impl is not None and dtype is not None:
        raise ValueError("Cannot specify both `impl` and `dtype` arguments to "
                         "plax.random.key")
    _check_impl(impl if dtype is None else dtype)
    return PRNGKeyArray(seed_data(seed, "key"))


def _check_impl(impl):
    if impl is None or impl == IMPL_NAME or isinstance(impl, KeyDType):
        return
    if isinstance(impl, str):
        raise ValueError(f'unrecognized PRNG implementation "{impl}". Did you mean one '
                         f'of: "{IMPL_NAME}"? (plax implements only threefry2x32)')
    raise TypeError(f"unrecognized type {type(impl).__name__} for specifying a PRNG "
                    f"implementation")


def key_data(keys):
    """The ``uint32[..., 2]`` data of typed (or raw) keys."""
    data, _ = check_key("key_data", keys, allow_batched=True, consume=False)
    return data


def wrap_key_data(key_bits_array, *, impl=None, dtype=None):
    """Typed keys of shape ``key_bits_array.shape[:-1]`` from ``uint32[..., 2]`` data."""
    if impl is not None and dtype is not None:
        raise ValueError("Cannot specify both `impl` and `dtype` arguments to "
                         "plax.random.wrap_key_data")
    _check_impl(impl if dtype is None else dtype)
    if isinstance(key_bits_array, PRNGKeyArray):
        raise TypeError("wrap_key_data expects uint32 key data, got a typed key array")
    data, _ = check_key("wrap_key_data", key_bits_array, allow_batched=True, consume=False)
    return PRNGKeyArray(data)


def key_dtype(impl_spec=None):
    """The dtype of typed keys of ``impl_spec`` (``key<fry>``; only threefry2x32)."""
    _check_impl(impl_spec)
    return KEY_DTYPE


def clone(key):
    """A copy of ``key`` that may be consumed again (JAX's ``clone``).

    Outside key-reuse checking it is the identity in value; under
    ``check_key_reuse`` the copy is a new object, so consuming it is not a reuse.
    """
    data, typed = check_key("clone", key, allow_batched=True, consume=False)
    return PRNGKeyArray(data) if typed else lax.copy_p.bind(data)


def key_impl(keys):
    """The name of the keys' PRNG implementation (always ``"threefry2x32"``)."""
    check_key("key_impl", keys, allow_batched=True, consume=False)
    return IMPL_NAME


def canonical_shape(name: str, shape, what: str = "shape") -> tuple:
    """JAX's shape rules: an int or a sequence of non-negative ints, with clear errors."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, (bool, np.bool_)):
        shape = (shape,)
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise TypeError(f"plax.random.{name}: {what} must be a sequence of non-negative "
                        f"integers, got {shape!r}")
    out = []
    for d in shape:
        if isinstance(d, (bool, np.bool_)) or isinstance(d, (float, np.floating)):
            raise TypeError(f"plax.random.{name}: {what} must be a sequence of "
                            f"non-negative integers, got {tuple(shape)!r}")
        try:
            out.append(operator.index(d))
        except TypeError:
            raise TypeError(f"plax.random.{name}: {what} must be a sequence of concrete "
                            f"non-negative integers, got {tuple(shape)!r}") from None
    if any(d < 0 for d in out):
        raise ValueError(f"plax.random.{name}: {what} must be non-negative, got "
                         f"{tuple(out)}")
    return tuple(out)


def split(key, num=2):
    """``num`` new keys (an int, or a tuple giving the shape of the new key array)."""
    data, typed = check_key("split", key)
    shape = canonical_shape("split", num, "num")
    return _wrap(staged(_split_staged, data, shape=shape), typed)


def _split_staged(data, *, shape):
    return split_data(data, shape)


def fold_in(key, data):
    """A new key from ``key`` and a 32-bit integer ``data``."""
    kd, typed = check_key("fold_in", key, consume=False)
    if isinstance(data, bool) or isinstance(data, int):
        if not 0 <= data < 2 ** 32:
            raise OverflowError(f"Python integer {data} out of bounds for uint32")
        value = np.uint32(data)
    elif isinstance(data, float):
        value = np.uint32(int(data)) if 0 <= data < 2 ** 32 else np.uint32(0)
    else:
        if not is_array_like(data) or isinstance(data, (list, tuple)):
            raise TypeError(f"fold_in: data must be an integer scalar, got "
                            f"{type(data).__name__}")
        if get_aval(data).ndim:
            raise TypeError(f"fold_in accepts a scalar, but was given an array of shape "
                            f"{get_aval(data).shape} != (). Use vmap for batching.")
        value = data if get_aval(data).dtype == _U32 else lax.convert_element_type(data, _U32)
    return _wrap(staged(fold_in_data, kd, value), typed)


def bits(key, shape=(), dtype=None):
    """Uniform random unsigned integers (all bits random) of ``shape`` and ``dtype``."""
    data, _ = check_key("bits", key)
    if dtype is None:
        dtype = dtypes.default_uint_dtype()
    else:
        dtype = dtypes.check_user_dtype(dtype, "bits")
    if dtype.kind != "u":
        raise ValueError(f"dtype argument to `bits` must be an unsigned int dtype, got "
                         f"{dtype.name}")
    shape = canonical_shape("bits", shape)
    return random_bits(data, dtype.itemsize * 8, shape)
