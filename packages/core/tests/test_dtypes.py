"""Tests of plax_core.dtypes against JAX's documented dtype rules.

The promotion tables below are literal copies of JAX's (docs: "Type promotion
semantics"), not computed from plax, so they are an independent oracle.
"""

import os
import subprocess
import sys
import textwrap

import ml_dtypes
import numpy as np
import pytest

from plax_core import dtypes
from plax_core.config import config

LABELS = ["b1", "u1", "u2", "u4", "u8", "i1", "i2", "i4", "i8",
          "bf", "f2", "f4", "f8", "c8", "c16", "i*", "f*", "c*"]

STRONG = {
    "b1": np.dtype(bool), "u1": np.dtype("uint8"), "u2": np.dtype("uint16"),
    "u4": np.dtype("uint32"), "u8": np.dtype("uint64"), "i1": np.dtype("int8"),
    "i2": np.dtype("int16"), "i4": np.dtype("int32"), "i8": np.dtype("int64"),
    "bf": np.dtype(ml_dtypes.bfloat16), "f2": np.dtype("float16"),
    "f4": np.dtype("float32"), "f8": np.dtype("float64"),
    "c8": np.dtype("complex64"), "c16": np.dtype("complex128"),
}
WEAK_TYPE = {"i*": int, "f*": float, "c*": complex}
WEAK_VALUE = {"i*": 3, "f*": 2.5, "c*": 1 + 2j}

# JAX's binary promotion table (x64 enabled), row x column, from the docs.
X64_TABLE = """
     b1  u1  u2  u4  u8  i1  i2  i4  i8  bf  f2  f4  f8  c8  c16 i*  f*  c*
b1   b1  u1  u2  u4  u8  i1  i2  i4  i8  bf  f2  f4  f8  c8  c16 i*  f*  c*
u1   u1  u1  u2  u4  u8  i2  i2  i4  i8  bf  f2  f4  f8  c8  c16 u1  f*  c*
u2   u2  u2  u2  u4  u8  i4  i4  i4  i8  bf  f2  f4  f8  c8  c16 u2  f*  c*
u4   u4  u4  u4  u4  u8  i8  i8  i8  i8  bf  f2  f4  f8  c8  c16 u4  f*  c*
u8   u8  u8  u8  u8  u8  f*  f*  f*  f*  bf  f2  f4  f8  c8  c16 u8  f*  c*
i1   i1  i2  i4  i8  f*  i1  i2  i4  i8  bf  f2  f4  f8  c8  c16 i1  f*  c*
i2   i2  i2  i4  i8  f*  i2  i2  i4  i8  bf  f2  f4  f8  c8  c16 i2  f*  c*
i4   i4  i4  i4  i8  f*  i4  i4  i4  i8  bf  f2  f4  f8  c8  c16 i4  f*  c*
i8   i8  i8  i8  i8  f*  i8  i8  i8  i8  bf  f2  f4  f8  c8  c16 i8  f*  c*
bf   bf  bf  bf  bf  bf  bf  bf  bf  bf  bf  f4  f4  f8  c8  c16 bf  bf  c8
f2   f2  f2  f2  f2  f2  f2  f2  f2  f2  f4  f2  f4  f8  c8  c16 f2  f2  c8
f4   f4  f4  f4  f4  f4  f4  f4  f4  f4  f4  f4  f4  f8  c8  c16 f4  f4  c8
f8   f8  f8  f8  f8  f8  f8  f8  f8  f8  f8  f8  f8  f8  c16 c16 f8  f8  c16
c8   c8  c8  c8  c8  c8  c8  c8  c8  c8  c8  c8  c8  c16 c8  c16 c8  c8  c8
c16  c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16
i*   i*  u1  u2  u4  u8  i1  i2  i4  i8  bf  f2  f4  f8  c8  c16 i*  f*  c*
f*   f*  f*  f*  f*  f*  f*  f*  f*  f*  bf  f2  f4  f8  c8  c16 f*  f*  c*
c*   c*  c*  c*  c*  c*  c*  c*  c*  c*  c8  c8  c8  c16 c8  c16 c*  c*  c*
"""

# Without x64, JAX's lattice sends u4 v {i1, i2, i4} to i4 (never forming a
# 64-bit type from 32-bit inputs); every other promote_types cell is as above.
X32_PROMOTE_CHANGES = {("u4", "i1"): "i4", ("u4", "i2"): "i4", ("u4", "i4"): "i4"}

# result_type without x64, over the canonical types (64-bit inputs are first
# canonicalised to their 32-bit counterparts, so they reuse these rows).
X32_RESULT_TABLE = """
     b1  u1  u2  u4  i1  i2  i4  bf  f2  f4  c8  i*  f*  c*
b1   b1  u1  u2  u4  i1  i2  i4  bf  f2  f4  c8  i*  f*  c*
u1   u1  u1  u2  u4  i2  i2  i4  bf  f2  f4  c8  u1  f*  c*
u2   u2  u2  u2  u4  i4  i4  i4  bf  f2  f4  c8  u2  f*  c*
u4   u4  u4  u4  u4  i4  i4  i4  bf  f2  f4  c8  u4  f*  c*
i1   i1  i2  i4  i4  i1  i2  i4  bf  f2  f4  c8  i1  f*  c*
i2   i2  i2  i4  i4  i2  i2  i4  bf  f2  f4  c8  i2  f*  c*
i4   i4  i4  i4  i4  i4  i4  i4  bf  f2  f4  c8  i4  f*  c*
bf   bf  bf  bf  bf  bf  bf  bf  bf  f4  f4  c8  bf  bf  c8
f2   f2  f2  f2  f2  f2  f2  f2  f4  f2  f4  c8  f2  f2  c8
f4   f4  f4  f4  f4  f4  f4  f4  f4  f4  f4  c8  f4  f4  c8
c8   c8  c8  c8  c8  c8  c8  c8  c8  c8  c8  c8  c8  c8  c8
i*   i*  u1  u2  u4  i1  i2  i4  bf  f2  f4  c8  i*  f*  c*
f*   f*  f*  f*  f*  f*  f*  f*  bf  f2  f4  c8  f*  f*  c*
c*   c*  c*  c*  c*  c*  c*  c*  c8  c8  c8  c8  c*  c*  c*
"""

CANON32 = {"u8": "u4", "i8": "i4", "f8": "f4", "c16": "c8"}


def parse_table(text):
    lines = [ln.split() for ln in text.strip().splitlines()]
    cols = lines[0]
    return {(row[0], c): v for row in lines[1:] for c, v in zip(cols, row[1:])}


X64 = parse_table(X64_TABLE)
X32 = parse_table(X32_RESULT_TABLE)
PAIRS = [(a, b) for a in LABELS for b in LABELS]
PAIRS32 = sorted({(a, b) for a, b in X32})


def test_tables_are_symmetric_and_complete():
    assert len(X64) == 18 * 18 and len(X32) == 14 * 14
    for (a, b), v in X64.items():
        assert X64[b, a] == v
    for (a, b), v in X32.items():
        assert X32[b, a] == v


def promote_arg(label):
    return WEAK_TYPE[label] if label in WEAK_TYPE else STRONG[label]


def expected_result(label, x64):
    """(dtype, weak) that result_type should give for a table cell."""
    if label in WEAK_TYPE:
        kind = {"i*": "int", "f*": "float", "c*": "complex"}[label]
        bits = {"int": 64, "float": 64, "complex": 128}[kind]
        return np.dtype(f"{kind}{bits if x64 else bits // 2}"), True
    dt = STRONG[label if x64 else CANON32.get(label, label)]
    return dt, False


def value_of(label):
    """A value with the label's (dtype, weak type)."""
    if label in WEAK_VALUE:
        return WEAK_VALUE[label]
    return np.zeros((2,), STRONG[label])


# ------------------------------------------------------------- promotion

@pytest.mark.parametrize("a,b", PAIRS)
def test_promote_types_x64(a, b):
    with config.override(enable_x64=True):
        got = dtypes.promote_types(promote_arg(a), promote_arg(b))
    want = X64[a, b]
    want = np.dtype(WEAK_TYPE[want]) if want in WEAK_TYPE else STRONG[want]
    assert got == want and isinstance(got, np.dtype)


@pytest.mark.parametrize("a,b", PAIRS)
def test_promote_types_x32(a, b):
    with config.override(enable_x64=False):
        got = dtypes.promote_types(promote_arg(a), promote_arg(b))
    want = X32_PROMOTE_CHANGES.get((a, b)) or X32_PROMOTE_CHANGES.get((b, a)) or X64[a, b]
    # promote_types does not canonicalise: weak results are int64/float64/...
    want = np.dtype(WEAK_TYPE[want]) if want in WEAK_TYPE else STRONG[want]
    assert got == want


@pytest.mark.parametrize("a,b", PAIRS)
def test_result_type_x64_values(a, b):
    with config.override(enable_x64=True):
        got = dtypes.result_type(value_of(a), value_of(b), return_weak_type_flag=True)
        assert got == expected_result(X64[a, b], True)
        # dtypes (strong) and Python types (weak) as arguments give the same.
        assert dtypes.result_type(promote_arg(a), promote_arg(b),
                                  return_weak_type_flag=True) == got


@pytest.mark.parametrize("a,b", PAIRS)
def test_result_type_x32_values(a, b):
    ca, cb = CANON32.get(a, a), CANON32.get(b, b)
    with config.override(enable_x64=False):
        got = dtypes.result_type(value_of(a), value_of(b), return_weak_type_flag=True)
        assert got == expected_result(X32[ca, cb], False)
        assert dtypes.result_type(promote_arg(a), promote_arg(b),
                                  return_weak_type_flag=True) == got


def rt(*args):
    """result_type with its weak-type flag: (dtype, weak)."""
    return dtypes.result_type(*args, return_weak_type_flag=True)


def test_result_type_named_jax_examples():
    i8 = np.zeros(3, np.int8)
    with config.override(enable_x64=False):
        assert rt(i8, 2) == (np.dtype("int8"), False)
        # i1 v f* = f*: the default float, and weak (as in JAX).
        assert rt(i8, 2.0) == (np.dtype("float32"), True)
        assert rt(np.zeros(2, dtypes.bfloat16), 2.0) == (np.dtype(dtypes.bfloat16), False)
        assert rt(np.zeros(2, np.float16), 1j) == (np.dtype("complex64"), False)
        assert rt(np.int16, np.float16(1)) == (np.dtype("float16"), False)
        assert rt(np.dtype("bfloat16"), np.float16) == (np.dtype("float32"), False)
        assert rt(True, False) == (np.dtype(bool), False)
        assert rt(1, 2) == (np.dtype("int32"), True)
        assert rt(1, 2.0, 3j) == (np.dtype("complex64"), True)
        assert rt(np.float64(1.0), 1) == (np.dtype("float32"), False)
    with config.override(enable_x64=True):
        assert rt(np.uint64, np.int64) == (np.dtype("float64"), True)
        assert rt(i8, 2.0) == (np.dtype("float64"), True)
        assert rt(np.uint32, np.int32) == (np.dtype("int64"), False)


def test_result_type_nary_and_special_args():
    with config.override(enable_x64=False):
        assert dtypes.result_type(np.uint8, np.int8, np.float16) == np.dtype("float16")
        assert dtypes.result_type(np.uint8, np.int8, 1.0, return_weak_type_flag=True) == (
            np.dtype("float32"), True)
        assert dtypes.result_type(np.int8, 1, 2.0, np.float16) == np.dtype("float16")
        assert dtypes.result_type(None, return_weak_type_flag=True) == (np.dtype("float32"), False)
        assert dtypes.result_type(None, np.int32) == np.dtype("float32")
        assert dtypes.result_type(3) == np.dtype("int32")
        assert dtypes.result_type(np.zeros(2, np.int8)) == np.dtype("int8")
        assert dtypes.result_type([1, 2], 1.0) == np.dtype("float32")
    with pytest.raises(ValueError, match="at least one"):
        dtypes.result_type()


class FakeArray:
    def __init__(self, dt, weak):
        self.dtype = np.dtype(dt)
        self.weak_type = weak


class FakeTracer:
    def __init__(self, dt, weak):
        self.aval = FakeArray(dt, weak)
        self.dtype = np.dtype(dt)


def test_weak_typed_objects_take_part_in_promotion():
    with config.override(enable_x64=False):
        w = FakeArray("float32", True)
        assert dtypes.is_weakly_typed(w)
        assert dtypes.is_weakly_typed(FakeTracer("int32", True))
        assert not dtypes.is_weakly_typed(FakeArray("int32", False))
        assert dtypes.result_type(w, np.zeros(2, np.float16)) == np.dtype("float16")
        assert dtypes.result_type(w, FakeArray("int32", True), return_weak_type_flag=True) == (
            np.dtype("float32"), True)
        assert dtypes.result_type(FakeTracer("int32", True), np.int8) == np.dtype("int8")
        # A weak int16 joined with a weak int8 stays weak and takes the default.
        assert dtypes.result_type(FakeArray("int16", True), FakeArray("int8", True),
                                  return_weak_type_flag=True) == (np.dtype("int32"), True)
        # A weak bool is not weak.
        assert dtypes.result_type(FakeArray(bool, True), return_weak_type_flag=True) == (
            np.dtype(bool), False)


def test_promote_types_accepts_dtype_likes():
    assert dtypes.promote_types("int32", "float32") == np.dtype("float32")
    assert dtypes.promote_types(np.int32, np.dtype("float32")) == np.dtype("float32")
    assert dtypes.promote_types("uint8", int) == np.dtype("uint8")
    assert dtypes.promote_types("float16", float) == np.dtype("float16")
    assert dtypes.promote_types(bool, int) == np.dtype("int64")
    assert dtypes.promote_types("bfloat16", "float16") == np.dtype("float32")
    with pytest.raises(TypeError, match="does not support dtype"):
        dtypes.promote_types("foo", "int32")
    with pytest.raises(dtypes.TypePromotionError):
        dtypes.promote_types(dtypes.float0, np.float32)


# ------------------------------------------------------- canonicalisation

ALL_NAMES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
             "uint64", "bfloat16", "float16", "float32", "float64", "complex64",
             "complex128"]
TO_32 = {"int64": "int32", "uint64": "uint32", "float64": "float32",
         "complex128": "complex64"}


@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("x64", [False, True])
def test_canonicalize_dtype(name, x64):
    want = np.dtype(name if x64 else TO_32.get(name, name))
    with config.override(enable_x64=x64):
        for form in (name, np.dtype(name), np.dtype(name).type):
            got = dtypes.canonicalize_dtype(form)
            assert got == want and isinstance(got, np.dtype)


def test_canonicalize_python_types_and_others():
    with config.override(enable_x64=False):
        assert dtypes.canonicalize_dtype(float) == np.dtype("float32")
        assert dtypes.canonicalize_dtype(int) == np.dtype("int32")
        assert dtypes.canonicalize_dtype(complex) == np.dtype("complex64")
        assert dtypes.canonicalize_dtype(bool) == np.dtype(bool)
        assert dtypes.canonicalize_dtype(">f4") == np.dtype("float32")
        assert dtypes.canonicalize_dtype("f8") == np.dtype("float32")
        assert dtypes.canonicalize_dtype(None) == np.dtype("float32")
        assert dtypes.canonicalize_dtype(dtypes.float0) == dtypes.float0
    with config.override(enable_x64=True):
        assert dtypes.canonicalize_dtype(float) == np.dtype("float64")
        assert dtypes.canonicalize_dtype(int) == np.dtype("int64")
        assert dtypes.canonicalize_dtype(complex) == np.dtype("complex128")


@pytest.mark.parametrize("bad", ["foo", object, str, "U5", "S3", np.dtype("O"),
                                 "datetime64[s]", np.dtype([("a", "i4")]), 3.5, "float128"])
def test_canonicalize_unsupported(bad):
    with pytest.raises(TypeError) as info:
        dtypes.canonicalize_dtype(bad)
    msg = str(info.value)
    assert msg.startswith("plax does not support dtype")
    assert "supported dtypes are: bool, int8" in msg and "bfloat16" in msg


def test_unsupported_message_names_the_dtype():
    with pytest.raises(TypeError, match="plax does not support dtype 'foo'"):
        dtypes.canonicalize_dtype("foo")


def test_supported_dtypes_and_exports():
    assert len(dtypes.SUPPORTED_DTYPES) == 15
    assert all(isinstance(d, np.dtype) for d in dtypes.SUPPORTED_DTYPES)
    assert {d.name for d in dtypes.SUPPORTED_DTYPES} == set(ALL_NAMES)
    assert dtypes.float0 not in dtypes.SUPPORTED_DTYPES
    assert dtypes.float0 == np.dtype([("float0", np.void, 0)])
    assert dtypes.float0.itemsize == 0
    assert dtypes.bfloat16 is ml_dtypes.bfloat16
    assert dtypes.float32 is np.float32 and dtypes.bool_ is np.bool_


def test_defaults():
    with config.override(enable_x64=False):
        assert dtypes.default_float_dtype() == np.dtype("float32")
        assert dtypes.default_int_dtype() == np.dtype("int32")
        assert dtypes.default_uint_dtype() == np.dtype("uint32")
        assert dtypes.default_complex_dtype() == np.dtype("complex64")
    with config.override(enable_x64=True):
        assert dtypes.default_float_dtype() == np.dtype("float64")
        assert dtypes.default_int_dtype() == np.dtype("int64")
        assert dtypes.default_uint_dtype() == np.dtype("uint64")
        assert dtypes.default_complex_dtype() == np.dtype("complex128")


# ------------------------------------------------------- dtype of a value

def test_is_weakly_typed():
    assert dtypes.is_weakly_typed(1)
    assert dtypes.is_weakly_typed(1.0)
    assert dtypes.is_weakly_typed(1j)
    assert not dtypes.is_weakly_typed(True)  # JAX: Python bool is strong b1
    assert not dtypes.is_weakly_typed(np.float64(1.0))  # a float subclass
    assert not dtypes.is_weakly_typed(np.float32(1.0))
    assert not dtypes.is_weakly_typed(np.zeros(3))
    assert not dtypes.is_weakly_typed([1.0])
    assert not dtypes.is_weakly_typed(float)
    assert not dtypes.is_weakly_typed(FakeArray)  # class attribute, not a value


def test_dtype_of_values():
    with config.override(enable_x64=False):
        assert dtypes.dtype(True) == np.dtype(bool)
        assert dtypes.dtype(1) == np.dtype("int32")
        assert dtypes.dtype(1.0) == np.dtype("float32")
        assert dtypes.dtype(1j) == np.dtype("complex64")
        assert dtypes.dtype(1, canonicalize=False) == np.dtype("int64")
        assert dtypes.dtype(np.float64(1)) == np.dtype("float32")
        assert dtypes.dtype(np.float64(1), canonicalize=False) == np.dtype("float64")
        assert dtypes.dtype(np.zeros(2, np.int16)) == np.dtype("int16")
        assert dtypes.dtype(np.zeros(2, dtypes.bfloat16)) == np.dtype(dtypes.bfloat16)
        assert dtypes.dtype(FakeArray("uint8", True)) == np.dtype("uint8")
        assert dtypes.dtype([1, 2]) == np.dtype("int32")
        assert dtypes.dtype([1, 2.0]) == np.dtype("float32")
        assert dtypes.dtype([]) == np.dtype("float32")
        assert dtypes.dtype("float64") == np.dtype("float32")
        assert dtypes.dtype(np.float16) == np.dtype("float16")
        assert dtypes.dtype(float) == np.dtype("float32")
        assert dtypes.dtype(dtypes.float0) == dtypes.float0
    with config.override(enable_x64=True):
        assert dtypes.dtype(1) == np.dtype("int64")
        assert dtypes.dtype(np.zeros(2)) == np.dtype("float64")


@pytest.mark.parametrize("bad", [np.array(["a"]), np.array([None]), "foo", object(), {}])
def test_dtype_of_bad_values(bad):
    with pytest.raises(TypeError):
        dtypes.dtype(bad)


def test_dtype_of_none():
    with pytest.raises(ValueError):
        dtypes.dtype(None)


# ------------------------------------------------------------- categories

CATEGORIES = [np.generic, np.number, np.integer, np.signedinteger, np.unsignedinteger,
              np.inexact, np.floating, np.complexfloating, np.bool_]
MEMBERS = {
    "bool": {np.generic, np.bool_},
    "int8": {np.generic, np.number, np.integer, np.signedinteger},
    "uint32": {np.generic, np.number, np.integer, np.unsignedinteger},
    "bfloat16": {np.generic, np.number, np.inexact, np.floating},
    "float16": {np.generic, np.number, np.inexact, np.floating},
    "float64": {np.generic, np.number, np.inexact, np.floating},
    "complex64": {np.generic, np.number, np.inexact, np.complexfloating},
}


@pytest.mark.parametrize("name", sorted(MEMBERS))
def test_issubdtype_categories(name):
    for form in (name, np.dtype(name), np.dtype(name).type):
        for cat in CATEGORIES:
            assert dtypes.issubdtype(form, cat) == (cat in MEMBERS[name]), (name, cat)
        assert dtypes.issubdtype(form, form)


def test_issubdtype_bfloat16():
    # np.issubdtype files bfloat16 outside np.floating; plax must not.
    assert not np.issubdtype(dtypes.bfloat16, np.floating)
    assert dtypes.issubdtype(dtypes.bfloat16, np.floating)
    assert dtypes.issubdtype(np.dtype("bfloat16"), np.inexact)
    assert not dtypes.issubdtype(dtypes.bfloat16, np.float16)
    assert not dtypes.issubdtype(np.float32, dtypes.bfloat16)
    assert not dtypes.issubdtype(dtypes.bfloat16, np.integer)
    assert dtypes.issubdtype(np.zeros(2, dtypes.bfloat16).dtype, np.floating)


def test_category_helpers():
    f = dtypes
    assert f.is_float("bfloat16") and f.is_float(np.float16) and not f.is_float(np.int32)
    assert not f.is_float(np.complex64)
    assert f.is_int(np.int8) and f.is_int("uint64") and not f.is_int(bool)
    assert f.is_unsigned(np.uint16) and not f.is_unsigned(np.int16)
    assert f.is_signed(np.int16) and not f.is_signed(np.uint16)
    assert f.is_complex("complex128") and not f.is_complex(np.float64)
    assert f.is_bool(np.bool_) and f.is_bool(bool) and not f.is_bool(np.int8)
    assert f.is_inexact("bfloat16") and f.is_inexact(np.complex64) and not f.is_inexact("int8")
    assert f.is_float(np.zeros(2, np.float32))  # arrays are read through .dtype


def test_finfo_iinfo():
    fi = dtypes.finfo(dtypes.bfloat16)
    assert fi.bits == 16 and float(fi.eps) == 2.0 ** -7
    assert float(fi.max) == float(ml_dtypes.finfo(ml_dtypes.bfloat16).max)
    assert dtypes.finfo(np.float32).eps == np.finfo(np.float32).eps
    assert dtypes.finfo("float16").bits == 16
    assert dtypes.iinfo(np.int8).min == -128 and dtypes.iinfo("uint16").max == 65535


def test_short_dtype_name():
    assert [dtypes.short_dtype_name(d) for d in ("float32", "int8", "uint32", "bfloat16",
                                                 "complex64", "bool")] == [
        "f32", "i8", "u32", "bf16", "c64", "bool"]
    assert dtypes.short_dtype_name(dtypes.float0) == "float0"


# ------------------------------------------------------------ conversion

def check(x, dtype_, weak, value=None, **kw):
    arr, w = dtypes.coerce_to_array(x, **kw)
    assert isinstance(arr, np.ndarray)
    assert arr.dtype == np.dtype(dtype_), (x, arr.dtype)
    assert w is weak
    if value is not None:
        np.testing.assert_array_equal(arr, value)
    return arr


def test_coerce_python_scalars():
    with config.override(enable_x64=False):
        assert check(3, "int32", True, 3).shape == ()
        check(2.5, "float32", True, 2.5)
        check(1 + 2j, "complex64", True, 1 + 2j)
        check(True, bool, False, True)
        check(3, "float16", False, 3, dtype=np.float16)
        check(2.5, "float32", False, dtype=np.float64)  # explicit dtype: canonical
    with config.override(enable_x64=True):
        check(3, "int64", True)
        check(2.5, "float64", True)
        check(1j, "complex128", True)
        check(2 ** 40, "int64", True, 2 ** 40)


def test_coerce_int_overflow():
    with config.override(enable_x64=False):
        with pytest.raises(OverflowError, match=r"1099511627776.*int32"):
            dtypes.coerce_to_array(2 ** 40)
        with pytest.raises(OverflowError, match=r"300.*uint8"):
            dtypes.coerce_to_array(300, dtype=np.uint8)
        with pytest.raises(OverflowError, match=r"1099511627776.*int32"):
            dtypes.coerce_to_array([1, [2 ** 40]])
        check(-2 ** 31, "int32", True, -2 ** 31)
        check(2 ** 31 - 1, "int32", True)
    with config.override(enable_x64=True):
        with pytest.raises(OverflowError, match=r"int64"):
            dtypes.coerce_to_array(2 ** 64)


def test_coerce_sequences():
    with config.override(enable_x64=False):
        check([1.0], "float32", False, [1.0])  # lists are strong (JAX)
        check([1, 2], "int32", False, [1, 2])
        check([1, 2.0], "float32", False)
        check((1, 2j), "complex64", False)
        check([True, False], bool, False)
        check([True, 2], "int32", False, [1, 2])
        assert check([[1, 2], (3, 4)], "int32", False, [[1, 2], [3, 4]]).shape == (2, 2)
        assert check([], "float32", False).shape == (0,)
        check([np.float16(1), 2.0], "float16", False)  # JAX lattice, not NumPy's
        check([np.int8(1), 3], "int8", False)
        check([np.float64(1), 2], "float32", False)
        check([np.zeros(2, np.uint8), np.ones(2, np.int8)], "int16", False)
        check([1, 2], "float32", False, [1, 2], dtype=np.float32)
    with config.override(enable_x64=True):
        check([1.0], "float64", False)
        check([1, 2], "int64", False)


def test_coerce_numpy_values():
    with config.override(enable_x64=False):
        check(np.zeros(3), "float32", False)
        check(np.zeros(3, np.int64), "int32", False)
        check(np.zeros(3, np.uint64), "uint32", False)
        check(np.zeros(3, np.complex128), "complex64", False)
        assert check(np.float64(2), "float32", False, 2).shape == ()
        check(np.int8(2), "int8", False)
        check(np.zeros(3, dtypes.bfloat16), dtypes.bfloat16, False)
        check(np.zeros(3, np.float32), "int8", False, dtype="int8")
        a = np.arange(3, dtype=np.float32)
        assert dtypes.coerce_to_array(a)[0] is a  # no needless copy
    with config.override(enable_x64=True):
        check(np.zeros(3), "float64", False)
        check(np.zeros(3, np.int64), "int64", False)


class ArrayLike:
    def __init__(self, value, weak):
        self._value = np.asarray(value)
        self.dtype = self._value.dtype
        self.weak_type = weak

    def __array__(self, dtype=None, copy=None):
        return self._value if dtype is None else self._value.astype(dtype)


def test_coerce_array_likes_keep_weak_type():
    with config.override(enable_x64=False):
        check(ArrayLike(np.float32(1), True), "float32", True)
        check(ArrayLike(np.float32(1), True), "float16", False, dtype="float16")
        check(ArrayLike(np.zeros(2, np.int64), False), "int32", False)


@pytest.mark.parametrize("bad", ["abc", b"abc", None, {"a": 1}, {1, 2}, object(),
                                 np.array(["a", "b"]), np.array([1, None], dtype=object),
                                 ["a", 1], [None], [1, {}]])
def test_coerce_rejects_non_numeric(bad):
    with pytest.raises(TypeError, match="plax cannot convert"):
        dtypes.coerce_to_array(bad)


def test_x64_from_environment_reaches_dtypes():
    # A fresh interpreter with PLAX_ENABLE_X64=1 computes in 64 bits.
    root = os.path.dirname(os.path.dirname(os.path.abspath(dtypes.__file__)))
    code = textwrap.dedent("""
        import numpy as np
        from plax_core import dtypes
        assert dtypes.canonicalize_dtype(float) == np.dtype('float64')
        assert dtypes.coerce_to_array(1.5)[0].dtype == np.dtype('float64')
        print('ok')
    """)
    env = dict(os.environ, PLAX_ENABLE_X64="1",
               PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, cwd=root, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
