"""The cases of ``test_lax_more.py``: expressions over ``lax`` and ``np`` evaluated by plax
and (outside the repository) by JAX 0.10.2, whose results are in ``lax_more_jax.py``.
"""

SETUP = """
R = np.random.RandomState(0)
X = np.arange(12.0, dtype=np.float32).reshape(3, 4)
Y = R.randn(2, 3, 5).astype(np.float32)
I32 = np.array([2**31 - 1, -5, 123456789, -2**31, 0, -1], np.int32)
J32 = np.array([2**31 - 1, 7, -987654321, -2**31, 5, -1], np.int32)
U32 = np.array([2**32 - 1, 5, 123456789, 2**31, 0], np.uint32)
V32 = np.array([2**32 - 1, 7, 987654321, 2**31, 9], np.uint32)
I8 = np.array([100, -100, 127, -128, 3], np.int8)
J8 = np.array([100, 100, 127, -128, -7], np.int8)
U16 = np.array([65535, 300, 2, 40000], np.uint16)
V16 = np.array([65535, 300, 60000, 40000], np.uint16)
BIG = R.randn(2, 1000).astype(np.float32)
IMG = R.randn(2, 3, 5, 6).astype(np.float32)
IMG_NHWC = R.randn(2, 5, 6, 3).astype(np.float32)
LOC_W = R.randn(3, 3 * 2 * 2, 4, 5).astype(np.float32)
SDN = lax.ScatterDimensionNumbers((1,), (0,), (0,))
SDN0 = lax.ScatterDimensionNumbers((), (0,), (0,))
IDX = np.array([[0], [0], [2]])
IDX_OOB = np.array([[0], [5], [2]])
A = R.randn(4, 4).astype(np.float32)
SPD = (A @ A.T + 4 * np.eye(4)).astype(np.float32)
RU = np.linalg.cholesky(SPD.astype(np.float64)).T.astype(np.float32)
W4 = R.randn(4).astype(np.float32)
C43 = R.randn(4, 3).astype(np.float32)
A43 = R.randn(4, 3).astype(np.float32)
C44 = R.randn(4, 4).astype(np.float32)
DL = np.array([0., 1., 2., -1., 0.5], np.float32)
D = np.array([4., 5., -3., 6., 2.], np.float32)
DU = np.array([1., -2., 0.5, 1., 0.], np.float32)
B52 = R.randn(5, 2).astype(np.float32)
BD = R.randn(3, 5).astype(np.float32)
BDL, BDU = R.randn(3, 5).astype(np.float32), R.randn(3, 5).astype(np.float32)
BB = R.randn(3, 5, 2).astype(np.float32)
QRA = np.array([[2., -1., 0.5], [0.3, 1.5, -2.], [1., 0.2, 0.7], [-0.4, 0.9, 1.1]], np.float32)
QRT = np.array([1.2, 1.7, 0.4], np.float32)
"""

CASES = {
    "split": "lax.split(X, [1, 3], axis=1)",
    "split_neg_axis": "lax.split(Y, (1, 0, 2), axis=-2)",
    "stack": "lax.stack([X, X + 1, X * 2], axis=1)",
    "stack_neg": "lax.stack([Y, Y], axis=-1)",
    "unstack": "lax.unstack(X, axis=1)",
    "unstack0": "lax.unstack(Y)",
    "tile": "lax.tile(X, (2, 3))",
    "tile3": "lax.tile(Y, (1, 2, 1))",
    "broadcast_like": "lax.broadcast_like(X[0], Y[:, :, :4].reshape(2, 3, 4))",
    "broadcast_like_scalar": "lax.broadcast_like(2.5, X)",
    "broadcast_shapes": "lax.broadcast_shapes((3, 1), (4,), (1, 1, 1))",
    "dtype_float": "str(lax.dtype(1.0))",
    "dtype_array": "str(lax.dtype(X))",
    "dtype_int": "str(lax.dtype(3))",
    "empty": "lax.empty((2, 3), np.int32)",
    "index_take": "lax.index_take(X, (np.array([0, 2, -1]), np.array([1, 3, 0])), (0, 1))",
    "index_take_one_axis": "lax.index_take(Y, (np.array([4, 0, -2]),), (2,))",
    "mulhi_i32": "lax.mulhi(I32, J32)",
    "mulhi_u32": "lax.mulhi(U32, V32)",
    "mulhi_i8": "lax.mulhi(I8, J8)",
    "mulhi_u16": "lax.mulhi(U16, V16)",
    "optimization_barrier": "lax.optimization_barrier((X, 1.5))",
    "approx_max_k": "lax.approx_max_k(X, 2)",
    "approx_min_k_dim0": "lax.approx_min_k(X, 2, reduction_dimension=0)",
    "approx_max_k_no_aggregate": "lax.approx_max_k(BIG, 5, aggregate_to_topk=False)",
    "approx_max_k_no_aggregate_small": "lax.approx_max_k(X, 2, aggregate_to_topk=False)",
    "approx_min_k_big": "lax.approx_min_k(BIG, 7)",
    "reduce_add": "lax.reduce(X, 0.0, lax.add, (0,))",
    "reduce_max": "lax.reduce(Y, -np.inf, lax.max, (1, 2))",
    "reduce_init5": "lax.reduce(X, 5.0, lax.add, (0,))",
    "reduce_fold_order": "lax.reduce(X, 1.0, lambda a, b: a * 0.5 + b, (0, 1))",
    "reduce_fold_rows": "lax.reduce(Y, 0.0, lambda a, b: a * 0.5 + b * b, (2,))",
    "reduce_variadic": ("lax.reduce((X, X.astype(np.int32)), (0.0, 1), "
                        "lambda a, b: (a[0] + b[0], a[1] * b[1] + 1), (1,))"),
    "reduce_dict": ("lax.reduce({'a': X}, {'a': 0.0}, "
                    "lambda a, b: {'a': lax.max(a['a'], b['a'])}, (0,))"),
    "scatter_sub": "lax.scatter_sub(X, IDX, np.ones((3, 4), np.float32), SDN)",
    "scatter_sub_oob": "lax.scatter_sub(X, IDX_OOB, np.ones((3, 4), np.float32), SDN)",
    "scatter_apply_dup": "lax.scatter_apply(X, IDX, lax.sin, SDN, update_shape=(3, 4))",
    "scatter_apply_oob": "lax.scatter_apply(X, IDX_OOB, lambda v: v * 2, SDN, update_shape=(3, 4))",
    "scatter_apply_1d": ("lax.scatter_apply(np.zeros(5, np.float32), np.array([[1], [3]]), "
                         "lambda v: v + 1, SDN0, update_shape=(2,))"),
    "scatter_apply_clip": ("lax.scatter_apply(X, IDX_OOB, lambda v: v + 10, SDN, "
                           "update_shape=(3, 4), mode='clip')"),
    "patches_nchw": "lax.conv_general_dilated_patches(IMG, (2, 3), (1, 2), 'VALID')",
    "patches_nhwc_same": ("lax.conv_general_dilated_patches(IMG_NHWC, (3, 2), (2, 1), 'SAME', "
                          "dimension_numbers=('NHWC', 'HWIO', 'NHWC'))"),
    "patches_dilated": ("lax.conv_general_dilated_patches(IMG, (2, 2), (1, 1), [(1, 0), (0, 1)], "
                        "rhs_dilation=(2, 1))"),
    "conv_local": "lax.conv_general_dilated_local(IMG, LOC_W, (1, 1), 'VALID', (2, 2))",
    "conv_local_nhwc": ("lax.conv_general_dilated_local(IMG_NHWC, "
                        "np.transpose(LOC_W, (2, 3, 1, 0)), (1, 1), 'VALID', (2, 2), "
                        "dimension_numbers=('NHWC', 'HWIO', 'NHWC'))"),
    "linalg_cholesky": "lax.linalg.cholesky(SPD)",
    "linalg_cholesky_update": "lax.linalg.cholesky_update(RU, W4)",
    "linalg_symmetric_product": ("lax.linalg.symmetric_product(A43, C44, alpha=2.0, beta=0.5, "
                                 "symmetrize_output=True)"),
    "linalg_tridiagonal_solve": "lax.linalg.tridiagonal_solve(DL, D, DU, B52)",
    "linalg_tridiagonal_solve_batched": "lax.linalg.tridiagonal_solve(BDL, BD + 4, BDU, BB)",
    "linalg_householder_product": "lax.linalg.householder_product(QRA, QRT)",
    "linalg_ormqr": "lax.linalg.ormqr(QRA, QRT, C43, left=True, transpose=False)",
    "linalg_ormqr_t_right": "lax.linalg.ormqr(QRA, QRT, C43.T, left=False, transpose=True)",
    "linalg_triangular_solve": ("lax.linalg.triangular_solve(RU, C43.T, left_side=False, "
                                "lower=False)"),
    "linalg_lu_perm": "lax.linalg.lu_pivots_to_permutation(np.array([2, 2, 3, 3], np.int32), 5)",
}
