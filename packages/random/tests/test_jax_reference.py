"""Pinned values from JAX 0.10.2's defaults (threefry2x32, partitionable key derivation).

Every expected value below was produced by running ``jax==0.10.2``/``jaxlib==0.10.2``
(CPU, default configuration; ``JAX_X64`` with ``jax_enable_x64=True``) in a scratch
environment outside this project, with the call written next to it in ``CASES`` (the
same arguments, ``jnp.array`` for array arguments).  No project file imports jax.

Integer, boolean and key results must match exactly.  Floats from pure bit
manipulation (``uniform``, ``exponential``, ...) usually match exactly too; results that
go through transcendental functions (``erf_inv``, ``log``, ``lgamma``, QR) may differ in
the last bits on the NumPy backend, whose kernels round differently from XLA's
approximations, so floats are compared with a tolerance of a few float32 ulps.
"""

import numpy as np
import pytest

import plax_random as random
from plax_core import config, ops

# fmt: off
JAX_X32 = {
    'PRNGKey0': ('uint32', (2,),
        [0, 0]),
    'PRNGKey42': ('uint32', (2,),
        [0, 42]),
    'PRNGKey-1': ('uint32', (2,),
        [0, 4294967295]),
    'PRNGKey_big': ('uint32', (2,),
        [0, 5]),
    'PRNGKey_u32': ('uint32', (2,),
        [0, 4000000000]),
    'PRNGKey_i8': ('uint32', (2,),
        [0, 4294967293]),
    'split': ('uint32', (2, 2),
        [[1797259609, 2579123966], [928981903, 3453687069]]),
    'split3': ('uint32', (3, 2),
        [[1832780943, 270669613], [64467757, 2916123636], [2465931498, 255383827]]),
    'split23': ('uint32', (2, 3, 2),
        [[[1832780943, 270669613], [64467757, 2916123636], [2465931498, 255383827]],
         [[3134548294, 894150801], [2954079971, 3276725750], [2765691542, 824333390]]]),
    'fold_in': ('uint32', (2,),
        [2547012911, 1371500959]),
    'fold_in_big': ('uint32', (2,),
        [2398536845, 3890976714]),
    'bits32': ('uint32', (5,),
        [2098992034, 2919706841, 2646866425, 2409546199, 1935504149]),
    'bits8': ('uint8', (5,),
        [162, 217, 249, 215, 21]),
    'bits16': ('uint16', (2, 3),
        [[5026, 12505, 63993], [49623, 29461, 20184]]),
    'uniform': ('float32', (6,),
        [0.48870956897735596, 0.6797971725463867, 0.6162714958190918, 0.5610160827636719,
         0.4506446123123169, 0.58586585521698]),
    'uniform_mm': ('float32', (2, 3),
        [[1.4209669828414917, 2.758580207824707, 2.3139004707336426],
         [1.9271125793457031, 1.1545122861862183, 2.1010608673095703]]),
    'uniform_f16': ('float16', (5,),
        [0.076171875, 0.1904296875, 0.9755859375, 0.7568359375, 0.44921875]),
    'uniform_bf16': ('bfloat16', (5,),   # values printed via float32 (exact)
        [0.6328125, 0.84375, 0.96875, 0.8359375, 0.078125]),
    'normal': ('float32', (6,),
        [-0.02830461598932743, 0.4671318531036377, 0.2957029640674591, 0.15354591608047485,
         -0.12403281778097153, 0.21692314743995667]),
    'normal_c64': ('complex64', (3,),
        [[0.05368746072053909, -0.34389618039131165, 0.9123944640159607],
         [0.4283398389816284, 0.5650094747543335, -0.6427084803581238]]),
    'randint': ('int32', (8,),
        [4, 4, 1, 9, 9, 9, 7, 7]),
    'randint_neg': ('int32', (8,),
        [-56, 14, -29, 69, 9, -81, 77, -93]),
    'randint_u8': ('uint8', (6,),
        [196, 18, 183, 193, 141, 107]),
    'randint_i8': ('int8', (6,),
        [-1, -1, -4, 4, 4, 4]),
    'randint_big': ('int32', (5,),
        [977810628, 1236381714, -1367112521, -1019495231, -1671904627]),
    'randint_arr': ('int32', (2, 3),
        [[4, 14, 21], [4, 10, 18]]),
    'bernoulli': ('bool', (10,),
        [False, False, False, False, False, False, True, False, False, False]),
    'bernoulli_high': ('bool', (10,),
        [False, False, False, False, False, False, True, False, False, False]),
    'bernoulli_p': ('bool', (3,),
        [False, False, True]),
    'permutation10': ('int32', (10,),
        [7, 4, 2, 5, 3, 6, 8, 9, 0, 1]),
    'permutation_arr': ('int32', (4, 3),
        [[6, 7, 8], [9, 10, 11], [0, 1, 2], [3, 4, 5]]),
    'permutation_ax1': ('int32', (3, 4),
        [[2, 3, 0, 1], [6, 7, 4, 5], [10, 11, 8, 9]]),
    'permutation_ind': ('int32', (3, 4),
        [[2, 3, 0, 1], [7, 4, 5, 6], [10, 11, 8, 9]]),
    'permutation2000': ('int32', (20,),
        [1474, 815, 539, 874, 1693, 84, 995, 1191, 1713, 508, 594, 825, 859, 1822, 188, 1054,
         1997, 1366, 707, 985]),
    'choice_rep': ('int32', (6,),
        [4, 4, 1, 9, 9, 9]),
    'choice_norep': ('int32', (6,),
        [7, 4, 2, 5, 3, 6]),
    'choice_p': ('int32', (8,),
        [2, 2, 2, 2, 2, 2, 4, 1]),
    'choice_p_norep': ('int32', (3,),
        [2, 1, 3]),
    'choice_arr': ('int32', (4, 3),
        [[4, 4, 1], [9, 9, 6], [14, 14, 11], [19, 19, 16]]),
    'gumbel': ('float32', (5,),
        [0.3340933918952942, 0.952019453048706, 0.7255305647850037, 0.5481715202331543,
         0.2268049567937851]),
    'gumbel_high': ('float32', (5,),
        [0.39925798773765564, -0.12997561693191528, 0.043095413595438004, 0.1944437325000763,
         0.5124770998954773]),
    'gumbel_highest': ('float32', (5,),
        [0.3992578089237213, -0.129975825548172, 0.04309510067105293, 0.19444338977336884,
         0.5124772787094116]),
    'categorical': ('int32', (4, 2),
        [[2, 0], [2, 0], [1, 0], [1, 2]]),
    'categorical_ax0': ('int32', (4,),
        [2, 2, 0, 2]),
    'categorical_norep': ('int32', (3,),
        [3, 2, 1]),
    'truncated_normal': ('float32', (5,),
        [0.14770005643367767, 0.5684449076652527, 0.42102551460266113, 0.29997000098228455,
         0.0691138207912445]),
    'exponential': ('float32', (5,),
        [0.670817494392395, 1.1388006210327148, 0.9578199982643127, 0.8232924938201904,
         0.5990096926689148]),
    'laplace': ('float32', (5,),
        [0.022839652374386787, -0.4456535577774048, -0.2646729052066803, -0.1301453858613968,
         0.10392900556325912]),
    'logistic': ('float32', (5,),
        [-0.0451694130897522, 0.7528398036956787, 0.47375231981277466, 0.245286762714386,
         -0.19806653261184692]),
    'cauchy': ('float32', (5,),
        [-0.03548463061451912, 0.6337261199951172, 0.38244056701660156, 0.1940706968307495,
         -0.15630900859832764]),
    'rademacher': ('int32', (8,),
        [1, -1, -1, -1, 1, -1, 1, -1]),
    'gamma': ('float32', (4,),
        [0.43624743819236755, 0.33158406615257263, 4.194111347198486, 8.321683883666992]),
    'loggamma': ('float32', (4,),
        [-0.8295456171035767, -1.1038738489151, 1.4336814880371094, 2.1188647747039795]),
    'gamma_shape': ('float32', (5,),
        [3.6725165843963623, 1.0923854112625122, 3.5018391609191895, 1.146207571029663,
         0.9259747266769409]),
    'beta': ('float32', (5,),
        [0.4319617748260498, 0.3128182888031006, 0.6368728280067444, 0.6900200843811035,
         0.22785000503063202]),
    'dirichlet': ('float32', (2, 3),
        [[0.2647324502468109, 0.13479970395565033, 0.6004677414894104],
         [0.1062367856502533, 0.2730756402015686, 0.6206876039505005]]),
    'poisson': ('int32', (8,),
        [6, 2, 2, 1, 5, 2, 3, 3]),
    'poisson_big': ('int32', (8,),
        [55, 56, 43, 45, 40, 43, 46, 39]),
    'poisson_mix': ('int32', (5,),
        [0, 1, 3, 12, 86]),
    't': ('float32', (5,),
        [0.08416180312633514, -1.1023223400115967, 1.9336762428283691, 0.8905109763145447,
         0.2240569293498993]),
    'chisquare': ('float32', (5,),
        [5.87071418762207, 1.3978509902954102, 5.559423446655273, 1.4829895496368408,
         1.1388906240463257]),
    'mvn': ('float32', (3, 2),
        [[0.9599712491035461, -0.5730453729629517], [1.418187141418457, -0.751824140548706],
         [0.8245911002159119, -0.8409391641616821]]),
    'orthogonal': ('float32', (3, 3),
        [[-0.01952970027923584, 0.9952677488327026, 0.09518947452306747],
         [0.10594390332698822, -0.09261152893304825, 0.9900500178337097],
         [-0.99418044090271, -0.02941983938217163, 0.10363386571407318]]),
    'orthogonal_nm': ('float32', (2, 4),
        [[-0.01917135715484619, 0.20028646290302277, -0.0840103030204773, -0.9759407043457031],
         [0.799323320388794, 0.5303018689155579, 0.2739070653915405, 0.06955063343048096]]),
    'ball': ('float32', (2, 3),
        [[0.3234022855758667, 0.061338748782873154, 0.01824338734149933],
         [0.4372413158416748, -0.07705393433570862, 0.3594384789466858]]),
    'generalized_normal': ('float32', (4,),
        [-0.8782375454902649, -0.2061624526977539, 1.160470962524414, 0.10202968865633011]),
    'pareto': ('float32', (4,),
        [1.2505779266357422, 1.461700201034546, 1.3761274814605713, 1.315781593322754]),
    'lognormal': ('float32', (4,),
        [0.9859473705291748, 1.2630960941314697, 1.159340739250183, 1.0797969102859497]),
    'maxwell': ('float32', (4,),
        [0.553582489490509, 0.293285071849823, 1.708603024482727, 1.5084577798843384]),
    'rayleigh': ('float32', (4,),
        [2.3933022022247314, 1.7571814060211182, 1.9678773880004883, 2.1503593921661377]),
    'wald': ('float32', (4,),
        [1.6461201906204224, 2.6983466148376465, 0.3518810272216797, 0.8019976615905762]),
    'geometric': ('int32', (6,),
        [3, 2, 2, 2, 3, 2]),
    'triangular': ('float32', (4,),
        [0.40174978971481323, 0.5265636444091797, 0.4817240834236145, 0.4456636905670166]),
    'weibull_min': ('float32', (4,),
        [0.7663072347640991, 1.090515375137329, 0.9716784954071045, 0.8784211277961731]),
    'f': ('float32', (4,),
        [0.7283635139465332, 0.35692548751831055, 0.23560737073421478, 0.15563176572322845]),
    'double_sided_maxwell': ('float32', (3,),
        [-1.3810217380523682, -0.6756889820098877, 2.2220213413238525]),
    'typed_split_data': ('uint32', (2, 2),
        [[1832780943, 270669613], [64467757, 2916123636]]),
    'typed_uniform': ('float32', (3,),
        [0.7276642322540283, 0.787867546081543, 0.18169426918029785]),
    'vmap_uniform': ('float32', (3, 2),
        [[0.5302608013153076, 0.31336212158203125], [0.7276642322540283, 0.787867546081543],
         [0.6672406196594238, 0.7214866876602173]]),
    'permutation5000_head': ('int32', (10,),
        [3825, 3150, 2972, 2921, 1203, 2981, 4024, 2362, 790, 2430]),
    'permutation5000_tail': ('int32', (10,),
        [4868, 2998, 1613, 2015, 1972, 2645, 4292, 4025, 4960, 418]),
    'permutation_rows3000': ('int32', (4, 2),
        [[5258, 5259], [232, 233], [4096, 4097], [5132, 5133]]),
    'permutation_ind_2x3000': ('int32', (2, 5),
        [[2629, 116, 2048, 2566, 2509], [3761, 3794, 3931, 5412, 5669]]),
    'choice_norep5000': ('int32', (6,),
        [3825, 3150, 2972, 2921, 1203, 2981]),
    'choice_p3000': ('int32', (6,),
        [1775, 1200, 1400, 1566, 1881, 1492]),
    'choice_p_norep3000': ('int32', (6,),
        [1402, 2876, 2088, 1791, 1203, 1661]),
    'categorical_norep3000': ('int32', (5,),
        [1402, 2876, 2088, 1791, 1203]),
}

JAX_X64 = {
    'PRNGKey0': ('uint32', (2,),
        [0, 0]),
    'PRNGKey42': ('uint32', (2,),
        [0, 42]),
    'PRNGKey-1': ('uint32', (2,),
        [4294967295, 4294967295]),
    'PRNGKey_big': ('uint32', (2,),
        [256, 5]),
    'PRNGKey_i8': ('uint32', (2,),
        [0, 4294967293]),
    'split': ('uint32', (2, 2),
        [[1797259609, 2579123966], [928981903, 3453687069]]),
    'fold_in': ('uint32', (2,),
        [2547012911, 1371500959]),
    'bits32': ('uint64', (5,),
        [7871734211187709741, 276886910877598708, 10591095138341673235, 13462782411356743825,
         12687676868490354166]),
    'bits64': ('uint64', (4,),
        [7871734211187709741, 276886910877598708, 10591095138341673235, 13462782411356743825]),
    'uniform': ('float64', (6,),
        [0.4267275666499091, 0.015010069515314584, 0.5741444178995352, 0.7298188969046309,
         0.687800341230566, 0.6439377419166104]),
    'uniform_mm': ('float64', (2, 3),
        [[0.9870929665493635, -1.894929513392798, 2.0190109252967465],
         [3.108732278332416, 2.814602388613962, 2.5075641934162727]]),
    'normal': ('float64', (6,),
        [-0.18471174528191162, -2.169824560397754, 0.18693555179382582, 0.6122653570510959,
         0.4896249504757018, 0.36900430470828355]),
    'randint': ('int64', (8,),
        [5, 8, 3, 1, 5, 6, 4, 7]),
    'randint_neg': ('int64', (8,),
        [-15, 18, 3, -29, 5, 46, 4, -23]),
    'randint_big': ('int64', (5,),
        [1039140472, -319063225, -1204203155, 781305968, -1109560588]),
    'bernoulli': ('bool', (10,),
        [False, True, False, False, False, False, False, False, True, True]),
    'permutation10': ('int64', (10,),
        [7, 4, 2, 5, 3, 6, 8, 9, 0, 1]),
    'choice_rep': ('int64', (6,),
        [5, 8, 3, 1, 5, 6]),
    'choice_norep': ('int64', (6,),
        [7, 4, 2, 5, 3, 6]),
    'exponential': ('float64', (5,),
        [0.5563942243855916, 0.015123860720489336, 0.8536549993431988, 1.30866279263241,
         1.1641123638884814]),
    'gamma': ('float64', (4,),
        [0.04064462722988022, 0.5161877343182824, 5.75709708230657, 10.874840609482844]),
    'poisson': ('int64', (8,),
        [6, 2, 2, 1, 5, 2, 3, 3]),
    'rademacher': ('int64', (8,),
        [1, 1, -1, -1, -1, -1, -1, -1]),
    't': ('float64', (5,),
        [-0.6846734468608445, -0.44588447908739276, 1.996455044909006, -0.22464923224702885,
         2.114016475099548]),
    'dirichlet': ('float64', (2, 3),
        [[0.12087604773245773, 0.15736891871086628, 0.721755033556676],
         [0.4334222384871404, 0.18669741061509032, 0.3798803508977692]]),
    'orthogonal': ('float64', (3, 3),
        [[-0.24985348168396393, -0.9679399318215844, 0.025797792068838043],
         [0.8281911415011259, -0.19982480469811714, 0.5236119560957534],
         [0.5016698823224919, -0.15219177314357468, -0.851566200220483]]),
    'ball': ('float64', (2, 3),
        [[-0.04422263011031423, -0.26116012882271694, -0.49768540810316086],
         [0.4324718391701501, -0.33135913797182875, -0.18032268701433754]]),
}
# fmt: on


def A(x, dtype=None):
    """An array argument as ``jnp.array`` makes it (default dtypes follow x64)."""
    x = np.asarray(x)
    if dtype is None and x.dtype.kind == "f":
        dtype = np.float64 if config.enable_x64 else np.float32
    if dtype is None and x.dtype.kind == "i":
        dtype = np.int64 if config.enable_x64 else np.int32
    return ops.array(x.astype(dtype) if dtype is not None else x)


K0 = lambda: random.PRNGKey(0)      # noqa: E731
K = lambda: random.PRNGKey(42)      # noqa: E731
P5 = [0.1, 0.2, 0.3, 0.25, 0.15]


def _w3000():
    """``jnp.linspace(1.0, 2.0, 3000)`` (the float32 values JAX computes)."""
    return A(np.linspace(1.0, 2.0, 3000, dtype=np.float32))

CASES = {
    "PRNGKey0": lambda: random.PRNGKey(0),
    "PRNGKey42": lambda: random.PRNGKey(42),
    "PRNGKey-1": lambda: random.PRNGKey(-1),
    "PRNGKey_big": lambda: random.PRNGKey(2 ** 40 + 5),
    "PRNGKey_u32": lambda: random.PRNGKey(np.uint32(4000000000)),
    "PRNGKey_i8": lambda: random.PRNGKey(np.int8(-3)),
    "split": lambda: random.split(K0()),
    "split3": lambda: random.split(K(), 3),
    "split23": lambda: random.split(K(), (2, 3)),
    "fold_in": lambda: random.fold_in(K(), 7),
    "fold_in_big": lambda: random.fold_in(K(), 2 ** 32 - 1),
    "bits32": lambda: random.bits(K(), (5,)),
    "bits8": lambda: random.bits(K(), (5,), np.uint8),
    "bits16": lambda: random.bits(K(), (2, 3), np.uint16),
    "bits64": lambda: random.bits(K(), (4,), np.uint64),
    "uniform": lambda: random.uniform(K(), (6,)),
    "uniform_mm": lambda: random.uniform(K(), (2, 3), minval=-2.0, maxval=5.0),
    "uniform_f16": lambda: random.uniform(K(), (5,), np.float16),
    "uniform_bf16": lambda: random.uniform(K(), (5,), "bfloat16"),
    "normal": lambda: random.normal(K(), (6,)),
    "normal_c64": lambda: random.normal(K(), (3,), np.complex64),
    "randint": lambda: random.randint(K(), (8,), 0, 10),
    "randint_neg": lambda: random.randint(K(), (8,), -100, 100),
    "randint_u8": lambda: random.randint(K(), (6,), 0, 256, np.uint8),
    "randint_i8": lambda: random.randint(K(), (6,), -5, 5, np.int8),
    "randint_big": lambda: random.randint(K(), (5,), -2 ** 31, 2 ** 31 - 1),
    "randint_arr": lambda: random.randint(K(), (2, 3), A([[0], [3]]), A([5, 20, 30])),
    "bernoulli": lambda: random.bernoulli(K(), 0.3, (10,)),
    "bernoulli_high": lambda: random.bernoulli(K(), 0.3, (10,), mode="high"),
    "bernoulli_p": lambda: random.bernoulli(K(), A([0.1, 0.5, 0.9])),
    "permutation10": lambda: random.permutation(K(), 10),
    "permutation_arr": lambda: random.permutation(K(), A(np.arange(12).reshape(4, 3))),
    "permutation_ax1": lambda: random.permutation(K(), A(np.arange(12).reshape(3, 4)), axis=1),
    "permutation_ind": lambda: random.permutation(K(), A(np.arange(12).reshape(3, 4)), axis=1,
                                                  independent=True),
    "permutation2000": lambda: random.permutation(K(), 2000)[:20],
    "choice_rep": lambda: random.choice(K(), 10, (6,)),
    "choice_norep": lambda: random.choice(K(), 10, (6,), replace=False),
    "choice_p": lambda: random.choice(K(), 5, (8,), p=A(P5)),
    "choice_p_norep": lambda: random.choice(K(), 5, (3,), replace=False, p=A(P5)),
    "choice_arr": lambda: random.choice(K(), A(np.arange(20).reshape(4, 5)), (3,), axis=1),
    "gumbel": lambda: random.gumbel(K(), (5,)),
    "gumbel_high": lambda: random.gumbel(K(), (5,), mode="high"),
    "gumbel_highest": lambda: random.gumbel(K(), (5,), mode="highest"),
    "categorical": lambda: random.categorical(
        K(), A(np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], np.float32))),
        shape=(4, 2)),
    "categorical_ax0": lambda: random.categorical(K(), A(np.zeros((3, 4))), axis=0),
    "categorical_norep": lambda: random.categorical(K(), A([0.0, 1.0, 2.0, 3.0]), shape=(3,),
                                                    replace=False),
    "truncated_normal": lambda: random.truncated_normal(K(), -1.0, 2.0, (5,)),
    "exponential": lambda: random.exponential(K(), (5,)),
    "laplace": lambda: random.laplace(K(), (5,)),
    "logistic": lambda: random.logistic(K(), (5,)),
    "cauchy": lambda: random.cauchy(K(), (5,)),
    "rademacher": lambda: random.rademacher(K(), (8,)),
    "gamma": lambda: random.gamma(K(), A([0.3, 1.0, 2.5, 10.0])),
    "loggamma": lambda: random.loggamma(K(), A([0.3, 1.0, 2.5, 10.0])),
    "gamma_shape": lambda: random.gamma(K(), 2.0, (5,)),
    "beta": lambda: random.beta(K(), 2.0, 3.0, (5,)),
    "dirichlet": lambda: random.dirichlet(K(), A([1.0, 2.0, 3.0]), (2,)),
    "poisson": lambda: random.poisson(K(), 3.0, (8,)),
    "poisson_big": lambda: random.poisson(K(), 50.0, (8,)),
    "poisson_mix": lambda: random.poisson(K(), A([0.0, 0.5, 5.0, 15.0, 100.0])),
    "t": lambda: random.t(K(), 5.0, (5,)),
    "chisquare": lambda: random.chisquare(K(), 3.0, (5,)),
    "mvn": lambda: random.multivariate_normal(K(), A([1.0, -1.0]),
                                              A([[2.0, 0.5], [0.5, 1.0]]), (3,)),
    "orthogonal": lambda: random.orthogonal(K(), 3),
    "orthogonal_nm": lambda: random.orthogonal(K(), 2, m=4),
    "ball": lambda: random.ball(K(), 3, shape=(2,)),
    "generalized_normal": lambda: random.generalized_normal(K(), 1.5, (4,)),
    "pareto": lambda: random.pareto(K(), 3.0, (4,)),
    "lognormal": lambda: random.lognormal(K(), 0.5, (4,)),
    "maxwell": lambda: random.maxwell(K(), (4,)),
    "rayleigh": lambda: random.rayleigh(K(), 2.0, (4,)),
    "wald": lambda: random.wald(K(), 1.5, (4,)),
    "geometric": lambda: random.geometric(K(), 0.3, (6,)),
    "triangular": lambda: random.triangular(K(), 0.0, 0.3, 1.0, (4,)),
    "weibull_min": lambda: random.weibull_min(K(), 1.0, 1.5, (4,)),
    "f": lambda: random.f(K(), 3.0, 5.0, (4,)),
    "double_sided_maxwell": lambda: random.double_sided_maxwell(K(), 0.0, 1.0, (3,)),
    "permutation5000_head": lambda: random.permutation(K(), 5000)[:10],
    "permutation5000_tail": lambda: random.permutation(K(), 5000)[-10:],
    "permutation_rows3000": lambda: random.permutation(
        K(), A(np.arange(6000).reshape(3000, 2)))[:4],
    "permutation_ind_2x3000": lambda: random.permutation(
        K(), A(np.arange(6000).reshape(2, 3000)), axis=1, independent=True)[:, :5],
    "choice_norep5000": lambda: random.choice(K(), 5000, (6,), replace=False),
    "choice_p3000": lambda: random.choice(K(), 3000, (6,), p=_w3000() / _w3000().sum()),
    "choice_p_norep3000": lambda: random.choice(K(), 3000, (6,), replace=False,
                                                p=_w3000() / _w3000().sum()),
    "categorical_norep3000": lambda: random.categorical(
        K(), A(np.log(np.linspace(1.0, 2.0, 3000, dtype=np.float32))), shape=(5,),
        replace=False),
    "typed_split_data": lambda: random.key_data(random.split(random.key(42))),
    "typed_uniform": lambda: random.uniform(random.split(random.key(42))[1], (3,)),
    "vmap_uniform": None,   # checked in test_transforms.py
}

# Floats that depend only on bit manipulation and exact arithmetic: equal bit for bit.
EXACT_FLOATS = {"uniform", "uniform_f16", "uniform_bf16", "exponential"}
LOOSE: dict = {}   # per-case rtol; none needed since orthogonal uses core's lax.qr


def _check(name, expected):
    dtype, shape, value = expected
    got = CASES[name]()
    assert tuple(got.shape) == shape, (name, got.shape, shape)
    got_np = np.asarray(got)
    assert str(got.dtype) == dtype or (dtype == "bfloat16" and got.dtype.name == "bfloat16"), \
        (name, got.dtype, dtype)
    if dtype.startswith("complex"):
        want = np.asarray(value[0]) + 1j * np.asarray(value[1])
    else:
        want = np.asarray(value)
    kind = np.dtype(dtype).kind if dtype != "bfloat16" else "f"
    if kind in "biu":
        np.testing.assert_array_equal(got_np, np.array(value, dtype), err_msg=name)
    elif name in EXACT_FLOATS:
        np.testing.assert_array_equal(got_np.astype(np.float64), want, err_msg=name)
    else:
        wide = got_np.dtype.itemsize >= 8 and kind == "f" or got_np.dtype == np.complex128
        rtol = LOOSE.get(name, 1e-10 if wide else 3e-6)
        np.testing.assert_allclose(got_np.astype(np.complex128 if kind == "c" else np.float64),
                                   want, rtol=rtol, atol=rtol, err_msg=name)


@pytest.mark.parametrize("name", sorted(k for k in JAX_X32 if CASES.get(k)))
def test_matches_jax_x32(name):
    with config.override(enable_x64=False):
        _check(name, JAX_X32[name])


@pytest.mark.parametrize("name", sorted(JAX_X64))
def test_matches_jax_x64(name):
    with config.override(enable_x64=True):
        _check(name, JAX_X64[name])


def test_every_reference_has_a_case():
    assert set(JAX_X32) <= set(CASES)
    assert set(JAX_X64) <= set(CASES)


def test_randint_traced_bounds_give_minval_as_jax():
    """JAX 0.10.2: ``jit(lambda lo, hi: randint(k, (4,), lo, hi))(5, 2)`` is [5, 5, 5, 5]."""
    import plax_core
    make_jaxpr = plax_core.make_jaxpr
    closed = make_jaxpr(lambda lo, hi: random.randint(K(), (4,), lo, hi))(5, 2)
    out = plax_core.eval_jaxpr(closed.jaxpr, closed.consts, 5, 2)
    np.testing.assert_array_equal(np.asarray(out[0]), [5, 5, 5, 5])
    np.testing.assert_array_equal(np.asarray(random.randint(K(), (3,), 3, 3)), [3, 3, 3])
