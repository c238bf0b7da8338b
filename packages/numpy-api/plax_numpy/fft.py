"""``plax.numpy.fft``: ``numpy.fft`` on the ``fft`` primitive.

Transforms take NumPy's ``n``/``s`` (zero-pad or crop before transforming), ``axis``/
``axes`` and ``norm`` ('backward', 'ortho', 'forward').  ``lax.fft`` transforms at
most three trailing axes at once; more axes are transformed in groups.  Complex
results have the input's precision (float32 -> complex64), as in JAX.
"""

from __future__ import annotations

import math
import operator

import numpy as np

import plax_numpy as jnp
from plax_core import lax, ops
from plax_core.core import get_aval

__all__ = ["fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "ifft", "ifft2", "ifftn",
           "ifftshift", "ihfft", "irfft", "irfft2", "irfftn", "rfft", "rfft2", "rfftfreq",
           "rfftn"]

_NORMS = (None, "backward", "ortho", "forward")


def _complex(x):
    (x,) = ops.promote_dtypes_inexact(x)
    if not jnp.iscomplexobj(x):
        x = x.astype(np.complex64 if get_aval(x).dtype == np.float32 else np.complex128)
    return x


def _real(x, name):
    (x,) = ops.promote_dtypes_inexact(ops.operand(x, name))
    if jnp.iscomplexobj(x):
        raise TypeError(f"{name} requires a real input, got {get_aval(x).dtype.name}")
    return x


def _resize(x, axis, n):
    size = get_aval(x).shape[axis]
    if n == size:
        return x
    if n < size:
        return lax.slice_in_dim(x, 0, n, axis=axis)
    pads = [(0, 0)] * get_aval(x).ndim
    pads[axis] = (0, n - size)
    return jnp.pad(x, pads)


def _axes_and_sizes(name, x, s, axes, default_all=True):
    nd = get_aval(x).ndim
    if axes is None:
        axes = (tuple(range(nd)) if s is None else tuple(range(nd - len(s), nd))) \
            if default_all else (-1,)
    axes = tuple(ops.canonicalize_axis(a, nd, name) for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{name}: duplicate axes {axes}")
    if s is None:
        s = tuple(get_aval(x).shape[a] for a in axes)
    s = tuple(operator.index(n) for n in s)
    if len(s) != len(axes):
        raise ValueError(f"{name}: s {s} and axes {axes} have different lengths")
    if any(n < 1 for n in s):
        raise ValueError(f"{name}: invalid number of data points {s}")
    return axes, s


def _scale(x, norm, n, inverse, name):
    if norm not in _NORMS:
        raise ValueError(f"{name}: invalid norm {norm!r}; use 'backward', 'ortho' or "
                         f"'forward'")
    norm = norm or "backward"
    # lax's inverse transforms already divide by n ('backward' for them)
    if norm == "ortho":
        factor = math.sqrt(n) if inverse else 1 / math.sqrt(n)
    elif norm == "forward":
        factor = n if inverse else 1 / n
    else:
        return x
    return x * np.array(factor, dtype=np.real(np.zeros((), get_aval(x).dtype)).dtype)


def _lax_over_axes(x, kind, axes, lengths):
    """Apply the lax transform ``kind`` over ``axes`` (moved to the end, <=3 at once)."""
    nd = get_aval(x).ndim
    k = len(axes)
    x = jnp.moveaxis(x, axes, tuple(range(nd - k, nd)))
    x = lax.fft(x, kind, lengths)
    return jnp.moveaxis(x, tuple(range(nd - k, nd)), axes)


def _c2c(name, x, s, axes, norm, inverse, default_all=True):
    x = _complex(ops.operand(x, name))
    axes, s = _axes_and_sizes(name, x, s, axes, default_all)
    for a, n in zip(axes, s):
        x = _resize(x, a, n)
    for i in range(0, len(axes), 3):
        group = axes[i:i + 3]
        x = _lax_over_axes(x, "ifft" if inverse else "fft", group, s[i:i + 3])
    return _scale(x, norm, math.prod(s), inverse, name)


def fft(a, n=None, axis=-1, norm=None):
    """The 1-d discrete Fourier transform along ``axis``. As ``numpy.fft.fft``."""
    return _c2c("fft", a, None if n is None else (n,), (axis,), norm, False)


def ifft(a, n=None, axis=-1, norm=None):
    """The inverse of ``fft`` along ``axis``. As ``numpy.fft.ifft``."""
    return _c2c("ifft", a, None if n is None else (n,), (axis,), norm, True)


def fftn(a, s=None, axes=None, norm=None):
    """The n-d discrete Fourier transform over ``axes``. As ``numpy.fft.fftn``."""
    return _c2c("fftn", a, s, axes, norm, False)


def ifftn(a, s=None, axes=None, norm=None):
    """The inverse of ``fftn``. As ``numpy.fft.ifftn``."""
    return _c2c("ifftn", a, s, axes, norm, True)


def fft2(a, s=None, axes=(-2, -1), norm=None):
    """The 2-d discrete Fourier transform over ``axes``. As ``numpy.fft.fft2``."""
    return _c2c("fft2", a, s, axes, norm, False)


def ifft2(a, s=None, axes=(-2, -1), norm=None):
    """The inverse of ``fft2``. As ``numpy.fft.ifft2``."""
    return _c2c("ifft2", a, s, axes, norm, True)


def rfftn(a, s=None, axes=None, norm=None, *, _name="rfftn"):
    """The n-d Fourier transform of real input. As ``numpy.fft.rfftn``."""
    x = _real(a, _name)
    axes, s = _axes_and_sizes(_name, x, s, axes)
    for ax, n in zip(axes, s):
        x = _resize(x, ax, n)
    x = _lax_over_axes(x, "rfft", axes[-1:], s[-1:])
    if len(axes) > 1:
        x = _c2c(_name, x, None, axes[:-1], None, False)
    return _scale(x, norm, math.prod(s), False, _name)


def irfftn(a, s=None, axes=None, norm=None, *, _name="irfftn"):
    """The inverse of ``rfftn``. As ``numpy.fft.irfftn``."""
    x = _complex(ops.operand(a, _name))
    nd = get_aval(x).ndim
    if axes is None:
        axes = tuple(range(nd)) if s is None else tuple(range(nd - len(s), nd))
    axes = tuple(ops.canonicalize_axis(ax, nd, _name) for ax in axes)
    if s is None:
        s = tuple(get_aval(x).shape[ax] for ax in axes[:-1]) + (
            2 * (get_aval(x).shape[axes[-1]] - 1),)
    s = tuple(operator.index(n) for n in s)
    if len(axes) > 1:
        x = _c2c(_name, x, s[:-1], axes[:-1], None, True)
    last = axes[-1]
    x = _resize(x, last, s[-1] // 2 + 1)
    x = _lax_over_axes(x, "irfft", (last,), (s[-1],))
    return _scale(x, norm, math.prod(s), True, _name)


def rfft(a, n=None, axis=-1, norm=None):
    """The 1-d Fourier transform of real input (the non-negative frequencies). As
    ``numpy.fft.rfft``.
    """
    return rfftn(a, None if n is None else (n,), (axis,), norm, _name="rfft")


def irfft(a, n=None, axis=-1, norm=None):
    """The inverse of ``rfft``: real output of length ``n``. As ``numpy.fft.irfft``."""
    return irfftn(a, None if n is None else (n,), (axis,), norm, _name="irfft")


def rfft2(a, s=None, axes=(-2, -1), norm=None):
    """The 2-d Fourier transform of real input. As ``numpy.fft.rfft2``."""
    return rfftn(a, s, axes, norm, _name="rfft2")


def irfft2(a, s=None, axes=(-2, -1), norm=None):
    """The inverse of ``rfft2``. As ``numpy.fft.irfft2``."""
    return irfftn(a, s, axes, norm, _name="irfft2")


_SWAP = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def hfft(a, n=None, axis=-1, norm=None):
    """The FFT of a signal with Hermitian symmetry (a real spectrum)."""
    if norm not in _NORMS:
        raise ValueError(f"hfft: invalid norm {norm!r}")
    return irfft(jnp.conj(_complex(ops.operand(a, "hfft"))), n, axis, _SWAP[norm])


def ihfft(a, n=None, axis=-1, norm=None):
    """The inverse of ``hfft``: the transform of a real signal with Hermitian symmetry. As
    ``numpy.fft.ihfft``.
    """
    if norm not in _NORMS:
        raise ValueError(f"ihfft: invalid norm {norm!r}")
    return jnp.conj(rfft(a, n, axis, _SWAP[norm]))


def fftfreq(n, d=1.0, *, dtype=None, device=None):
    """The sample frequencies of an ``fft`` of length ``n`` with spacing ``d``. As
    ``numpy.fft.fftfreq``.
    """
    n = operator.index(n)
    k = np.concatenate([np.arange(0, (n - 1) // 2 + 1), np.arange(-(n // 2), 0)])
    return jnp.asarray(k / (n * d), dtype=dtype)


def rfftfreq(n, d=1.0, *, dtype=None, device=None):
    """The sample frequencies of an ``rfft`` of length ``n`` with spacing ``d``. As
    ``numpy.fft.rfftfreq``.
    """
    n = operator.index(n)
    return jnp.asarray(np.arange(0, n // 2 + 1) / (n * d), dtype=dtype)


def _shift(x, axes, sign):
    x = ops.operand(x, "fftshift")
    nd = get_aval(x).ndim
    axes = tuple(range(nd)) if axes is None else (
        (axes,) if isinstance(axes, int) else tuple(axes))
    shifts = tuple(sign * (get_aval(x).shape[a] // 2) for a in axes)
    return jnp.roll(x, shifts, axes)


def fftshift(x, axes=None):
    """``x`` with the zero frequency moved to the centre of ``axes``. As
    ``numpy.fft.fftshift``.
    """
    return _shift(x, axes, 1)


def ifftshift(x, axes=None):
    """The inverse of ``fftshift``. As ``numpy.fft.ifftshift``."""
    return _shift(x, axes, -1)
