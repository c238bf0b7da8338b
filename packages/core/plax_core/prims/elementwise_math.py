"""NumPy reference kernels for the elementwise primitives, with XLA's semantics.

Each kernel takes NumPy arrays already of their abstract values' dtypes and returns
an array of the result's shape; the backend casts it to the result dtype.  Where XLA
and NumPy disagree, these follow XLA (as the CPU and GPU backends compile it):

- integer ``div`` truncates toward zero; ``x / 0`` is -1 (all bits set, so the
  maximum for unsigned types) and ``INT_MIN / -1`` is ``INT_MIN``;
- integer ``rem`` takes the sign of the dividend; ``x % 0`` is ``x`` and
  ``INT_MIN % -1`` is 0;
- shifts by a negative amount or by at least the bit width give 0 (left and logical
  right shifts) or the sign fill (arithmetic right shift);
- float -> integer conversion truncates toward zero, saturates at the target's
  limits and sends NaN to 0; complex -> real conversion keeps the real part;
- ``round`` rounds half away from zero (method 0) or half to even (method 1);
- ``digamma`` is NaN at zero and the negative integers; ``lgamma`` is +inf there;
- ``max``/``min`` propagate NaN and order complex numbers lexicographically.

float16 and bfloat16 math is computed in float32 and rounded once, as XLA's CPU and
GPU backends do.  Nothing here warns: every kernel runs under ``np.errstate``.
"""

from __future__ import annotations

import functools

import ml_dtypes
import numpy as np
import scipy.special

_F32 = np.dtype(np.float32)
_BF16 = np.dtype(ml_dtypes.bfloat16)
_HALF = (np.dtype(np.float16), _BF16)
_UNSIGNED_OF = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
_SIGNED_OF = {1: np.int8, 2: np.int16, 4: np.int32, 8: np.int64}


def quiet(fn):
    """Run a kernel with NumPy's floating-point warnings silenced."""
    @functools.wraps(fn)
    def wrapped(*args, **params):
        with np.errstate(all="ignore"):
            return fn(*args, **params)
    return wrapped


def upcast(fn):
    """Compute a float16/bfloat16 kernel in float32 (the backend rounds the result)."""
    @functools.wraps(fn)
    def wrapped(*args, **params):
        args = [a.astype(_F32) if a.dtype in _HALF else a for a in args]
        return fn(*args, **params)
    return quiet(wrapped)


def _is_float(dt: np.dtype) -> bool:
    return dt == _BF16 or dt.kind == "f"


# ------------------------------------------------------------------- arithmetic

def div(x, y):
    if x.dtype.kind not in "iu":
        return np.true_divide(x, y)
    zero = y == 0
    safe_y = np.where(zero, np.ones_like(y), y)
    if x.dtype.kind == "u":
        return np.where(zero, np.full_like(x, np.iinfo(x.dtype).max), x // safe_y)
    minus_one = safe_y == -1
    safe_y = np.where(minus_one, np.ones_like(y), safe_y)
    q = x // safe_y                      # floor division, never overflows now
    inexact = (q * safe_y != x) & ((x < 0) != (safe_y < 0))
    q = q + inexact.astype(x.dtype)      # floor -> toward zero
    q = np.where(minus_one, np.negative(x), q)   # -INT_MIN wraps to INT_MIN
    return np.where(zero, np.full_like(x, -1), q)


def rem(x, y):
    if x.dtype.kind not in "iu":
        return np.fmod(x, y)
    bad = y == 0
    if x.dtype.kind == "i":
        bad = bad | (y == -1)            # x % -1 == 0 (and INT_MIN % -1 == 0)
    safe_y = np.where(bad, np.ones_like(y), y)
    r = np.fmod(x, safe_y)
    return np.where(y == 0, x, np.where(bad, np.zeros_like(x), r))


def pow_(x, y):
    return np.power(x, y.astype(x.dtype))


def integer_pow(x, *, y):
    if y == 0:
        return np.ones_like(x)
    n, acc, base = abs(y), None, x
    while n:
        if n & 1:
            acc = base if acc is None else acc * base
        n >>= 1
        if n:
            base = base * base
    return np.reciprocal(acc) if y < 0 else acc


def _lexicographic(x, y, pick_x_if):
    """max/min of complex numbers ordered by (real, imag), NaN-propagating."""
    rx, ry = x.real, y.real
    pick = np.where(rx == ry, pick_x_if(x.imag, y.imag), pick_x_if(rx, ry))
    out = np.where(pick, x, y)
    nan = np.isnan(x) | np.isnan(y)
    return np.where(nan, np.asarray(complex("nan+nanj"), x.dtype), out)


def max_(x, y):
    if x.dtype.kind == "c":
        return _lexicographic(x, y, np.greater)
    return np.maximum(x, y)


def min_(x, y):
    if x.dtype.kind == "c":
        return _lexicographic(x, y, np.less)
    return np.minimum(x, y)


def sign(x):
    kind = x.dtype.kind
    if kind == "u":
        return (x != 0).astype(x.dtype)
    if kind == "c":
        mag = np.abs(x)
        return np.where(mag == 0, np.zeros_like(x), x / np.where(mag == 0, 1, mag))
    return np.sign(x)


def round_(x, *, rounding_method):
    if int(rounding_method) == 1:
        return np.rint(x)
    t = np.trunc(x)
    frac = np.abs(x - t)                 # exact for binary floats
    return np.where(frac >= 0.5, t + np.sign(x), t)


def nextafter(x, y):
    if x.dtype != _BF16:
        return np.nextafter(x, y)
    # bfloat16: step the bit pattern, as C's nextafter does for IEEE formats.
    bits = x.view(np.uint16).astype(np.int32)
    ybits = y.view(np.uint16).astype(np.int32)
    xf, yf = x.astype(_F32), y.astype(_F32)
    toward_larger_magnitude = (yf > xf) == (xf > 0)
    stepped = np.where(toward_larger_magnitude, bits + 1, bits - 1)
    tiny = np.where(yf < 0, 0x8001, 0x0001)            # smallest subnormal, sign of y
    out = np.where(xf == 0, tiny, stepped)
    out = np.where(xf == yf, ybits, out)
    out = np.where(np.isnan(xf) | np.isnan(yf), 0x7FC0, out)
    return out.astype(np.uint16).view(_BF16)


def logistic(x):
    if x.dtype.kind == "c":
        return 1 / (1 + np.exp(-x))
    return scipy.special.expit(x)


def rsqrt(x):
    return 1 / np.sqrt(x)


def digamma(x):
    pole = (x <= 0) & (x == np.floor(x))
    return np.where(pole, np.nan, scipy.special.psi(x))


def exp2(x):
    return np.exp2(x)


def complex_(x, y):
    out = np.empty(np.broadcast_shapes(x.shape, y.shape),
                   np.complex64 if x.dtype == _F32 else np.complex128)
    out.real, out.imag = x, y
    return out


def conj(x, *, input_dtype):
    return np.conj(x)


def clamp(lo, x, hi):
    return np.minimum(np.maximum(x, lo), hi)


def select_n(which, *cases):
    shape = cases[0].shape
    idx = np.broadcast_to(np.clip(which.astype(np.int64), 0, len(cases) - 1), shape)
    out = np.empty(shape, cases[0].dtype)
    for i, case in enumerate(cases):
        np.copyto(out, case, where=idx == i)
    return out


# ------------------------------------------------------------- bitwise and shifts

def not_(x):
    return np.logical_not(x) if x.dtype == np.bool_ else np.invert(x)


def _shift_amounts(x, y):
    """The shift amounts as unsigned values, and which of them are out of range."""
    unsigned = _UNSIGNED_OF[x.dtype.itemsize]
    amount = y.view(unsigned) if y.dtype.kind == "i" else y
    too_big = amount >= 8 * x.dtype.itemsize
    return np.where(too_big, 0, amount).astype(unsigned), too_big


def shift_left(x, y):
    amount, too_big = _shift_amounts(x, y)
    unsigned = _UNSIGNED_OF[x.dtype.itemsize]
    shifted = np.left_shift(x.view(unsigned), amount).view(x.dtype)
    return np.where(too_big, np.zeros_like(x), shifted)


def shift_right_logical(x, y):
    amount, too_big = _shift_amounts(x, y)
    unsigned = _UNSIGNED_OF[x.dtype.itemsize]
    shifted = np.right_shift(x.view(unsigned), amount).view(x.dtype)
    return np.where(too_big, np.zeros_like(x), shifted)


def shift_right_arithmetic(x, y):
    amount, too_big = _shift_amounts(x, y)
    signed_t = _SIGNED_OF[x.dtype.itemsize]
    sx = x.view(signed_t)
    bits = 8 * x.dtype.itemsize
    shifted = np.right_shift(sx, np.minimum(amount, bits - 1).astype(signed_t))
    fill = np.where(sx < 0, np.asarray(-1, signed_t), np.asarray(0, signed_t))
    return np.where(too_big, fill, shifted).view(x.dtype)


# ------------------------------------------------------------------- conversions

def convert_element_type(x, *, new_dtype, weak_type=False, sharding=None):
    new_dtype = np.dtype(new_dtype)
    if x.dtype.kind == "c" and new_dtype.kind != "c":
        x = x.real
    if new_dtype.kind in "iu" and (_is_float(x.dtype)):
        return _float_to_int(x, new_dtype)
    return x.astype(new_dtype)


def _float_to_int(x, new_dtype):
    info = np.iinfo(new_dtype)
    t = np.trunc(x.astype(np.float64))          # exact for every float input dtype
    hi, lo = float(info.max), float(info.min)   # lo is exact; hi may round up (2**63)
    inside = (t > lo) & (t < hi)
    out = np.where(inside, t, 0.0).astype(new_dtype)
    out[t >= hi] = info.max
    out[t <= lo] = info.min       # NaN fails every comparison and stays 0
    return out


def bitcast_convert_type(x, *, new_dtype):
    new_dtype = np.dtype(new_dtype)
    old, new = x.dtype.itemsize, new_dtype.itemsize
    x = np.array(x, order="C", copy=True)
    if old == new:
        return x.view(new_dtype).copy()
    if old > new:
        return x.reshape(x.shape + (1,)).view(new_dtype).copy()
    return x.view(new_dtype).reshape(x.shape[:-1]).copy()


def copy(x):
    return np.array(x, copy=True)
