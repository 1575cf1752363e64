#!/usr/bin/python3
"""RECONSTRUCTIONS, not real-library outputs: pickles shaped the way library
versions newer than Debian's write them (scikit-learn 1.3-1.8, pandas 2.x/3.x
with pyarrow strings, NumPy 2.x, PyTorch 2.x, pyarrow), for ward's benign
corpus test:

    /usr/bin/python3 checks/model/testdata/corpus/gen_newer.py

No PyPI here, so those versions cannot be installed. Each file is written by
the standard pickler from stand-in objects registered in sys.modules under
the exact module and qualified names the library uses, whose __reduce__
returns the exact structure (callable, argument shapes, state) read in that
library's source; each builder names the file and tag/commit it follows.
No real library is imported for the reconstructions, and nothing is ever
unpickled. newer/README.md lists every file.

It also writes (section "evidence") a few small files with Debian's REAL
libraries into ../../benign/: compiled reconstructors that exist in Debian's
versions too, so TestAllowlistCallsHaveEvidence sees the real library call
them.
"""
import copyreg, io, os, pickle, struct, sys, types, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "newer")
rows = []


# ------------------------------------------------------------ stand-ins

def _module(name):
    m = sys.modules.get(name)
    if m is None:
        m = types.ModuleType(name)
        sys.modules[name] = m
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(_module(parent), child, m)
    return m


class Stand:
    """Base of stand-in classes: an instance pickles as whatever _rv says."""

    def __reduce_ex__(self, protocol):
        return self._rv


def G(qual):
    """A stand-in function named module.qualname (last dot splits)."""
    mod, _, name = qual.rpartition(".")
    m = _module(mod)
    f = getattr(m, name, None)
    if f is None:
        def f(*a, **k):
            raise RuntimeError("stand-in, never called")
        f.__module__, f.__qualname__, f.__name__ = mod, name, name
        setattr(m, name, f)
    return f


def C(qual):
    """A stand-in class named module.qualname."""
    mod, _, name = qual.rpartition(".")
    m = _module(mod)
    c = getattr(m, name, None)
    if c is None:
        c = type(name, (Stand,), {"__module__": mod, "__qualname__": name})
        setattr(m, name, c)
    return c


class R:
    """An object that pickles as REDUCE of func(*args), then BUILD state."""

    def __init__(self, func, args, state=None, items=None):
        self.rv = (func, args, state, None, iter(items) if items else None)

    def __reduce_ex__(self, protocol):
        return self.rv


def NEW(cls, state=None, args=()):
    """cls.__new__(cls, *args) + BUILD state: NEWOBJ at protocol 2+."""
    o = object.__new__(cls)
    o._rv = (copyreg.__newobj__, (cls,) + tuple(args), state)
    return o


def save(sub, name, obj, protocol, source):
    d = os.path.join(OUT, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        pickle.dump(obj, f, protocol=protocol)
    rows.append((sub + "/" + name, protocol, source))


# ------------------------------------------------------------ NumPy 2.x
# numpy/_core/src/multiarray/methods.c array_reduce / array_reduce_ex_picklebuffer,
# descriptor.c arraydescr_reduce, scalartypes.c.src gentype_reduce,
# numpy/_core/multiarray.py (_reconstruct/scalar __module__ = 'numpy._core.multiarray'),
# at tags v2.0.0..v2.4.0 and main 1f90bbb55e.
NP = "numpy v2.0.0-v2.4.0, main 1f90bbb55e"
ndarray = C("numpy.ndarray")
np_dtype = C("numpy.dtype")
_reconstruct = G("numpy._core.multiarray._reconstruct")
_frombuffer = G("numpy._core.numeric._frombuffer")
np_scalar = G("numpy._core.multiarray.scalar")


def dtype(code, byteorder="<"):
    # arraydescr_reduce: (numpy.dtype, (str, False, True), (3, order, subdescr, names, fields, elsize, align, flags))
    return R(np_dtype, (code, False, True), (3, byteorder, None, None, None, -1, -1, 0))


def array(code, shape, raw, protocol):
    dt = dtype(code)
    if protocol >= 5:
        # array_reduce_ex_picklebuffer: _frombuffer(PickleBuffer, dtype, shape, order)
        return R(_frombuffer, (pickle.PickleBuffer(bytearray(raw)), dt, shape, "C"))
    # array_reduce: _reconstruct(ndarray, (0,), b'b') + (1, shape, dtype, is_fortran, data)
    return R(_reconstruct, (ndarray, (0,), b"b"), (1, shape, dt, False, raw))


def object_array(items):
    dt = R(np_dtype, ("O8", False, True), (3, "|", None, None, None, -1, -1, 63))
    return R(_reconstruct, (ndarray, (0,), b"b"), (1, (len(items),), dt, False, list(items)))


def numpy2():
    f8 = struct.pack("<3d", 1.0, 2.0, 3.0)
    for p in (2, 4, 5):
        save("numpy2", "array_f8_p%d.pkl" % p, array("f8", (3,), f8, p), p, NP)
    save("numpy2", "object_array_p4.pkl", object_array(["a", "bc"]), 4, NP)
    save("numpy2", "scalar_p2.pkl", [R(np_scalar, (dtype("f8"), struct.pack("<d", 0.5))),
                                     R(np_scalar, (dtype("i8"), struct.pack("<q", 7)))], 2, NP)
    # numpy/_core/src/multiarray/stringdtype/dtype.c stringdtype__reduce__:
    # _convert_to_stringdtype_kwargs(coerce[, na_object]) (numpy/_core/_internal.py)
    conv = G("numpy._core._internal._convert_to_stringdtype_kwargs")
    sdt = R(conv, (1,))
    save("numpy2", "stringdtype_p4.pkl", [sdt, R(conv, (1, None)),
         R(_reconstruct, (ndarray, (0,), b"b"), (1, (2,), sdt, False, ["x", "yz"]))], 4, NP)
    # numpy/random/bit_generator.pyx BitGenerator.__reduce__ (v2.0.0+):
    # (__bit_generator_ctor, (type(self),), (self.state, self._seed_seq));
    # _generator.pyx Generator.__reduce__: (__generator_ctor, (bit_generator,), None);
    # mtrand.pyx RandomState.__reduce__: (__randomstate_ctor, (bit_generator,), get_state(legacy=False));
    # SeedSequence is a cdef class without __reduce__: Cython's auto-pickle
    # (__pyx_unpickle_SeedSequence, (type, checksum, None), state tuple).
    RP = "numpy/random/{bit_generator,_generator,mtrand}.pyx v2.0.0-main"
    bgc = G("numpy.random._pickle.__bit_generator_ctor")
    pcg = C("numpy.random._pcg64.PCG64")
    mt = C("numpy.random._mt19937.MT19937")
    ss_cls = C("numpy.random.bit_generator.SeedSequence")
    ss = R(G("numpy.random.bit_generator.__pyx_unpickle_SeedSequence"), (ss_cls, 0x1bc1d27, None),
           (12345, 0, array("u4", (4,), bytes(16), 4), 4, ()))
    pcg_state = {"bit_generator": "PCG64", "state": {"state": 1 << 100, "inc": 12345}, "has_uint32": 0, "uinteger": 0}
    gen = R(G("numpy.random._pickle.__generator_ctor"), (R(bgc, (pcg,), (pcg_state, ss)),))
    mt_state = {"bit_generator": "MT19937", "state": {"key": array("u4", (624,), bytes(2496), 4), "pos": 624}}
    rs = R(G("numpy.random._pickle.__randomstate_ctor"), (R(bgc, (mt,), (mt_state, None)),),
           dict(mt_state, has_gauss=0, gauss=0.0))
    for p in (2, 4):
        save("numpy2", "random_generator_p%d.pkl" % p, gen, p, RP)
        save("numpy2", "random_state_p%d.pkl" % p, rs, p, RP)
    # numpy/_core/__init__.py: _DType_reduce pickles numpy.dtypes classes by
    # name, _ufunc_reduce pickles a ufunc by __name__ (module from
    # pickle.whichmodule); numpy/dtypes.pyi lists the class names.
    dts = [C("numpy.dtypes.%sDType" % d) for d in ("UInt8", "UInt16", "UInt32", "UInt64", "LongLong", "ULongLong", "StringDType"[:-5],
                                                   "DateTime64", "TimeDelta64", "Void", "LongDouble", "CLongDouble")]
    save("numpy2", "dtype_classes_and_ufuncs_p4.pkl", [dts, G("numpy.log1p"), G("numpy.expm1"), G("numpy._core._multiarray_umath.sqrt")], 4,
         NP + ": _DType_reduce, _ufunc_reduce")
    for name in ("_philox.Philox", "_sfc64.SFC64", "_pcg64.PCG64DXSM"):
        save("numpy2", "bitgen_%s_p4.pkl" % name.split(".")[1], R(bgc, (C("numpy.random." + name),), (pcg_state, ss)), 4, RP)


# ------------------------------------------------------------ scikit-learn 1.3-1.8
SK = "scikit-learn 1.3-1.8"


def estimator(qual, **state):
    state.setdefault("_sklearn_version", "1.6.1")
    return NEW(C(qual), state)


def sklearn():
    # sklearn/neighbors/_binary_tree.pxi.tp BinaryTree{{suffix}}.__reduce__:
    # (newObj, (type(self),), __getstate__()) with a 13-tuple state whose
    # item 11 is the DistanceMetric; sklearn/metrics/_dist_metrics.pyx.tp
    # DistanceMetric{{suffix}}.__reduce__: (newObj, (self.__class__,), __getstate__())
    # classes EuclideanDistance64, ManhattanDistance64, … (suffix 64/32 since 1.3).
    arr = lambda n: array("f8", (n,), bytes(8 * n), 4)
    for tree_mod, tree_cls, metrics in (("_kd_tree", "KDTree", ["EuclideanDistance64", "MinkowskiDistance64", "ManhattanDistance64", "ChebyshevDistance64"]),
                                        ("_ball_tree", "BallTree", ["EuclideanDistance64", "HaversineDistance64", "MahalanobisDistance64", "MinkowskiDistance64"])):
        for sfx in ("", "64", "32"):
            for metric in metrics:
                if sfx == "32":
                    metric = metric.replace("64", "32")
                dm = R(G("sklearn.metrics._dist_metrics.newObj"), (C("sklearn.metrics._dist_metrics." + metric),),
                       (2.0, arr(1), arr(1)))
                tree = R(G("sklearn.neighbors.%s.newObj" % tree_mod), (C("sklearn.neighbors.%s.%s%s" % (tree_mod, tree_cls, sfx)),),
                         (arr(4), arr(2), arr(1), arr(2), 40, 1, 1, 0, 1, 0, 0, dm, None))
                est = estimator("sklearn.neighbors._classification.KNeighborsClassifier", n_neighbors=1,
                                algorithm=tree_cls.lower().replace("tree", "_tree"), _tree=tree, _fit_method=tree_cls.lower())
                save("sklearn", "knn_%s%s_%s_p4.pkl" % (tree_cls, sfx, metric), est, 4, SK + ": _binary_tree.pxi.tp, _dist_metrics.pyx.tp")
    # main (0a5fea29, unreleased): KDTree/BallTree are cdef wrapper classes
    # holding _kd_tree/_ball_tree with no __reduce__: Cython auto-pickle.
    for tree_mod, tree_cls, attr in (("_kd_tree", "KDTree", "_kd_tree"), ("_ball_tree", "BallTree", "_ball_tree")):
        dm = R(G("sklearn.metrics._dist_metrics.newObj"), (C("sklearn.metrics._dist_metrics.EuclideanDistance64"),), (2.0, arr(1), arr(1)))
        inner = R(G("sklearn.neighbors.%s.newObj" % tree_mod), (C("sklearn.neighbors.%s.%s64" % (tree_mod, tree_cls)),),
                  (arr(4), arr(2), arr(1), arr(2), 40, 1, 1, 0, 1, 0, 0, dm, None))
        wrap = R(G("sklearn.neighbors.%s.__pyx_unpickle_%s" % (tree_mod, tree_cls)), (C("sklearn.neighbors.%s.%s" % (tree_mod, tree_cls)), 0x4b1a2c3, None), (inner,))
        save("sklearn", "%s_wrapper_main_p4.pkl" % tree_cls, wrap, 4, "scikit-learn main 0a5fea29 _kd_tree.pyx.tp (cdef class KDTree wrapper, Cython auto-pickle)")
    # sklearn/_loss/_loss.pyx.tp: cdef classes without __reduce__, pickled by
    # Cython's auto-pickle (__pyx_unpickle_<Cls>, (type, checksum, fields));
    # sklearn/_loss/loss.py and link.py: plain classes (NEWOBJ + BUILD dict).
    losses = [("CyHalfSquaredError", "HalfSquaredError", "IdentityLink", ()), ("CyAbsoluteError", "AbsoluteError", "IdentityLink", ()),
              ("CyPinballLoss", "PinballLoss", "IdentityLink", (0.5,)), ("CyHuberLoss", "HuberLoss", "IdentityLink", (0.9,)),
              ("CyHalfPoissonLoss", "HalfPoissonLoss", "LogLink", ()), ("CyHalfGammaLoss", "HalfGammaLoss", "LogLink", ()),
              ("CyHalfTweedieLoss", "HalfTweedieLoss", "LogLink", (1.5,)), ("CyHalfTweedieLossIdentity", "HalfTweedieLossIdentity", "IdentityLink", (1.5,)),
              ("CyHalfBinomialLoss", "HalfBinomialLoss", "LogitLink", ()), ("CyExponentialLoss", "ExponentialLoss", "HalfLogitLink", ()),
              ("CyHalfMultinomialLoss", "HalfMultinomialLoss", "MultinomialLogit", ())]
    interval = NEW(C("sklearn._loss.link.Interval"), {"low": float("-inf"), "high": float("inf"), "low_inclusive": False, "high_inclusive": False})
    for cy, py, link, fields in losses:
        closs = R(G("sklearn._loss._loss.__pyx_unpickle_" + cy), (C("sklearn._loss._loss." + cy), 0xe3b0c44, fields))
        lk = NEW(C("sklearn._loss.link." + link), {"interval_y_pred": interval})
        loss = NEW(C("sklearn._loss.loss." + py), {"closs": closs, "link": lk, "approx_hessian": False, "constant_hessian": False,
                                                   "n_classes": 1, "interval_y_true": interval, "interval_y_pred": interval})
        est = estimator("sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor", _loss=loss)
        save("sklearn", "hgb_%s_p4.pkl" % py, est, 4, SK + ": sklearn/_loss/_loss.pyx.tp, loss.py, link.py")
    # sklearn/tree/_tree.pyx Tree.__reduce__: (Tree, (n_features, n_classes, n_outputs), __getstate__())
    tree = R(C("sklearn.tree._tree.Tree"), (2, array("i8", (1,), struct.pack("<q", 2), 4), 1),
             {"max_depth": 1, "node_count": 1, "nodes": arr(1), "values": arr(2)})
    save("sklearn", "decision_tree_p4.pkl", estimator("sklearn.tree._classes.DecisionTreeClassifier", tree_=tree), 4, SK + ": sklearn/tree/_tree.pyx")
    # sklearn/metrics/_scorer.py (1.4+): one _Scorer class keeps the metric
    # function, sign, kwargs and response method (NEWOBJ + BUILD dict)
    scorer = NEW(C("sklearn.metrics._scorer._Scorer"), {"_score_func": G("sklearn.metrics._classification.accuracy_score"),
                                                         "_sign": 1, "_kwargs": {}, "_response_method": "predict"})
    search = estimator("sklearn.model_selection._search.GridSearchCV", scoring="accuracy", scorer_=scorer,
                       best_estimator_=estimator("sklearn.linear_model._logistic.LogisticRegression", C=1.0),
                       cv=NEW(C("sklearn.model_selection._split.StratifiedKFold"), {"n_splits": 2, "shuffle": False, "random_state": None}))
    save("sklearn", "gridsearch_scorer_p4.pkl", search, 4, SK + ": sklearn/metrics/_scorer.py _Scorer (1.4+)")
    # estimators added in 1.3-1.6 (plain BaseEstimator: NEWOBJ + BUILD dict)
    for q in ("sklearn.cluster._hdbscan.hdbscan.HDBSCAN", "sklearn.preprocessing._target_encoder.TargetEncoder",
              "sklearn.model_selection._classification_threshold.TunedThresholdClassifierCV",
              "sklearn.model_selection._classification_threshold.FixedThresholdClassifier",
              "sklearn.frozen._frozen.FrozenEstimator"):
        save("sklearn", q.rsplit(".", 1)[1] + "_p4.pkl", estimator(q), 4, SK + ": " + q.replace(".", "/").rsplit("/", 1)[0] + ".py")


# ------------------------------------------------------------ pyarrow + pandas 2.x/3.x
PA = "apache/arrow python/pyarrow array.pxi/io.pxi/types.pxi/table.pxi (14.0-21.0)"
pa_type = G("pyarrow.lib.type_for_alias")
pa_buf = G("pyarrow.lib.py_buffer")
pa_restore = G("pyarrow.lib._restore_array")


def pa_string_array(values, protocol, alias="large_string"):
    # Array.__reduce__: (_restore_array, (_reduce_array_data(data),)) with
    # (type, length, null_count, offset, buffers, children, dictionary);
    # DataType.__reduce__: (type_for_alias, (str(self),));
    # Buffer.__reduce_ex__: (py_buffer, (PickleBuffer(self),)) at protocol 5, else bytes.
    data = "".join(values).encode()
    offs, o = [], 0
    for v in values:
        offs.append(o)
        o += len(v.encode())
    offs.append(o)
    offsets = struct.pack("<%dq" % len(offs), *offs) if alias.startswith("large") else struct.pack("<%di" % len(offs), *offs)
    wrap = (lambda b: pickle.PickleBuffer(b)) if protocol >= 5 else (lambda b: b)
    return R(pa_restore, ((R(pa_type, (alias,)), len(values), 0, 0, [None, R(pa_buf, (wrap(offsets),)), R(pa_buf, (wrap(data),))], [], None),))


def pyarrow_objs():
    for p in (2, 4, 5):
        arr = pa_string_array(["a", "bc"], p)
        chunked = R(G("pyarrow.lib.chunked_array"), ([arr], R(pa_type, ("large_string",))))
        ts = R(G("pyarrow.lib.timestamp"), ("us", "UTC"))
        fld = R(G("pyarrow.lib.field"), ("s", R(pa_type, ("large_string",)), True, None))
        sch = R(G("pyarrow.lib.schema"), ([fld, R(G("pyarrow.lib.field"), ("t", ts, True, None))], None))
        tbl = R(G("pyarrow.lib._reconstruct_table"), ([chunked], sch))
        save("pyarrow", "table_p%d.pkl" % p, [arr, chunked, ts, fld, sch, tbl], p, PA)


PD = "pandas 2.1-3.0"


def new_index(cls, data, name=None):
    # pandas/core/indexes/base.py Index.__reduce__: (_new_Index, (type(self), d), None)
    return R(G("pandas.core.indexes.base._new_Index"), (C(cls), {"data": data, "name": name}))


def frame(blocks, columns, index, protocol):
    # pandas/core/internals/managers.py BaseBlockManager.__getstate__:
    # (axes_array, block_values, block_items, extra_state); NDFrame pickles as
    # NEWOBJ DataFrame + BUILD of {'_mgr', '_typ', '_metadata', 'attrs', '_flags'}.
    axes = [columns, index]
    mgr = NEW(C("pandas.core.internals.managers.BlockManager"), (axes, [b for b, _ in blocks], [i for _, i in blocks],
              {"0.14.1": {"axes": axes, "blocks": [{"values": b, "mgr_locs": slice(k, k + 1, 1)} for k, (b, _) in enumerate(blocks)]}}))
    return NEW(C("pandas.core.frame.DataFrame"), {"_mgr": mgr, "_typ": "dataframe", "_metadata": [], "attrs": {},
                                                  "_flags": {"allows_duplicate_labels": True}})


def pandas(protocol):
    nan = float("nan")
    # pandas/core/arrays/string_.py StringDtype.__reduce__: (StringDtype, (storage, na_value)) (2.3, 3.0)
    sd = C("pandas.core.arrays.string_.StringDtype")
    na = C("pandas._libs.missing.NA")  # NAType.__reduce__ returns "NA": a global reference
    str_dtype = R(sd, ("pyarrow", nan))
    # pandas/core/arrays/arrow/array.py ArrowExtensionArray.__getstate__:
    # dict with _pa_array = combine_chunks() (NEWOBJ + BUILD dict)
    cols = NEW(C("pandas.core.arrays.string_arrow.ArrowStringArray"), {"_pa_array": pa_string_array(["a", "b"], protocol), "_dtype": str_dtype})
    svals = NEW(C("pandas.core.arrays.string_arrow.ArrowStringArray"), {"_pa_array": pa_string_array(["x", "yy", "z"], protocol), "_dtype": str_dtype})
    idx = R(G("pandas.core.indexes.base._new_Index"), (C("pandas.core.indexes.range.RangeIndex"), {"name": None, "start": 0, "stop": 3, "step": 1}))
    f8 = array("f8", (1, 3), bytes(24), protocol)
    df = frame([(f8, array("i8", (1,), struct.pack("<q", 1), protocol)),
                (svals, array("i8", (1,), struct.pack("<q", 0), protocol))],
               new_index("pandas.core.indexes.base.Index", cols), idx, protocol)
    save("pandas", "df_pyarrow_str_p%d.pkl" % protocol, df, protocol, PD + ": string_.py, string_arrow.py, arrow/array.py, managers.py")
    # 2.1-2.3 with future.infer_string: ArrowStringArrayNumpySemantics, StringDtype("pyarrow_numpy") / ("python", NA)
    sv2 = NEW(C("pandas.core.arrays.string_arrow.ArrowStringArrayNumpySemantics"),
              {"_pa_array": pa_string_array(["x"], protocol), "_dtype": R(sd, ("pyarrow_numpy",))})
    py_str = NEW(C("pandas.core.arrays.string_.StringArray"), {"_ndarray": object_array(["q"]), "_dtype": R(sd, ("python", na))})
    # pandas/core/dtypes/dtypes.py ArrowDtype: NEWOBJ + BUILD dict with the pyarrow type
    adt = NEW(C("pandas.core.dtypes.dtypes.ArrowDtype"), {"pyarrow_dtype": R(pa_type, ("int64",))})
    aea = NEW(C("pandas.core.arrays.arrow.array.ArrowExtensionArray"), {"_pa_array": pa_string_array(["1"], protocol, "string"), "_dtype": adt})
    nullable = [NEW(C("pandas.core.arrays.integer.%sDtype" % t)) for t in ("Int8", "Int16", "Int32", "UInt16", "UInt32", "UInt64")] + \
               [NEW(C("pandas.core.arrays.floating.Float32Dtype"))]
    save("pandas", "arrays_p%d.pkl" % protocol, [sv2, py_str, adt, aea, nullable], protocol, PD + ": string_arrow.py, dtypes.py, arrow/array.py")
    # pandas/_libs/tslibs/timestamps.pyx Timestamp.__reduce__:
    # (_unpickle_timestamp, (value, freq=None, tz, reso)); timedeltas.pyx
    # (_timedelta_unpickle, (value, reso)); pandas 3 defaults to zoneinfo /
    # datetime.timezone.utc tzinfos (stdlib objects, pickled for real here).
    import datetime, zoneinfo
    ts = [R(G("pandas._libs.tslibs.timestamps._unpickle_timestamp"), (1577836800000000, None, tz, 8))
          for tz in (zoneinfo.ZoneInfo("Europe/Paris"), datetime.timezone.utc, None)]
    td = R(G("pandas._libs.tslibs.timedeltas._timedelta_unpickle"), (5, 9))
    # pandas/_libs/arrays.pyx NDArrayBacked: Cython auto-pickle with a cpdef
    # __setstate__ ((cls, checksum, None) + BUILD (dtype, ndarray, __dict__))
    tzdt = NEW(C("pandas.core.dtypes.dtypes.DatetimeTZDtype"), {"_unit": "us", "_tz": zoneinfo.ZoneInfo("UTC")})
    dta = R(G("pandas._libs.arrays.__pyx_unpickle_NDArrayBacked"), (C("pandas.core.arrays.datetimes.DatetimeArray"), 0x4a2b3c1, None),
            (tzdt, array("i8", (2,), bytes(16), protocol), {"_freq": None}))
    dti = R(G("pandas.core.indexes.datetimes._new_DatetimeIndex"), (C("pandas.core.indexes.datetimes.DatetimeIndex"), {"data": dta, "name": None}))
    save("pandas", "timestamps_zoneinfo_p%d.pkl" % protocol, [ts, td, dti], protocol, PD + ": timestamps.pyx, timedeltas.pyx, arrays.pyx, datetimes.py")


# ------------------------------------------------------------ PyTorch 2.x
# torch/_utils.py _rebuild_tensor_v2/_v3/_rebuild_parameter, torch/storage.py
# _new_dtypes (serialized as UntypedStorage + dtype, _rebuild_tensor_v3),
# torch/serialization.py _save persistent_id ('storage', type, key, location, numel),
# DEFAULT_PROTOCOL = 2; torch/nn/modules/*.py (v2.4.0-v2.9.0).
TV = "pytorch v2.4.0-v2.9.0: torch/_utils.py, torch/storage.py, torch/serialization.py"


class Storage:
    def __init__(self, cls, key, numel):
        self.pid = ("storage", cls, key, "cpu", numel)


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return obj.pid if isinstance(obj, Storage) else None


def odict(items=()):
    return R(C("collections.OrderedDict"), (), None, items)


def tensor(dtype_name, key, shape, v3=False):
    n = 1
    for s in shape:
        n *= s
    stride = tuple(int(x) for x in [shape[1], 1]) if len(shape) == 2 else (1,)
    if v3:
        st = Storage(C("torch.storage.UntypedStorage"), key, n)
        return R(G("torch._utils._rebuild_tensor_v3"), (st, 0, tuple(shape), stride, False, odict(), C("torch." + dtype_name)))
    st = Storage(C("torch.FloatStorage"), key, n)
    return R(G("torch._utils._rebuild_tensor_v2"), (st, 0, tuple(shape), stride, False, odict()))


def torch_zip(name, obj, blobs):
    d = os.path.join(OUT, "torch")
    os.makedirs(d, exist_ok=True)
    buf = io.BytesIO()
    TorchPickler(buf, protocol=2).dump(obj)
    members = [("archive/data.pkl", buf.getvalue()), ("archive/.format_version", b"1"), ("archive/.storage_alignment", b"64"),
               ("archive/byteorder", b"little")] + [("archive/data/" + k, bytes(n)) for k, n in blobs] + \
              [("archive/version", b"3\n"), ("archive/.data/serialization_id", b"0123456789012345678901234567890123456789")]
    with zipfile.ZipFile(os.path.join(d, name), "w", zipfile.ZIP_STORED) as z:
        for n, data in members:
            z.writestr(zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0)), data)  # reproducible
    rows.append(("torch/" + name, 2, TV))


def module(qual, params=None, modules=None, **extra):
    # torch/nn/modules/module.py: Module has no __reduce__; __dict__ keys of torch 2.x
    st = {"training": True, "_parameters": odict(list((params or {}).items())), "_buffers": odict(),
          "_non_persistent_buffers_set": R(C("builtins.set"), ([],)), "_backward_pre_hooks": odict(), "_backward_hooks": odict(),
          "_is_full_backward_hook": None, "_forward_hooks": odict(), "_forward_hooks_with_kwargs": odict(),
          "_forward_hooks_always_called": odict(), "_forward_pre_hooks": odict(), "_forward_pre_hooks_with_kwargs": odict(),
          "_state_dict_hooks": odict(), "_state_dict_pre_hooks": odict(), "_load_state_dict_pre_hooks": odict(),
          "_load_state_dict_post_hooks": odict(), "_modules": odict(list((modules or {}).items()))}
    st.update(extra)
    return NEW(C(qual), st)


def param(t):
    return R(G("torch._utils._rebuild_parameter"), (t, True, odict()))


def torch2():
    new = ["float8_e5m2fnuz", "float8_e4m3fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "complex32", "bits8", "bits16",
           "bits1x8", "bits2x4", "bits4x2", "uint16", "uint32", "uint64", "float8_e5m2", "float8_e4m3fn"]
    sd = odict([("w_" + n, tensor(n, str(i), (2,), v3=True)) for i, n in enumerate(new)])
    torch_zip("state_dict_new_dtypes.pt", sd, [(str(i), 2) for i in range(len(new))])
    mods = [("norm", "torch.nn.modules.normalization.RMSNorm", {"normalized_shape": (4,), "eps": None, "elementwise_affine": True}),
            ("cpad1", "torch.nn.modules.padding.CircularPad1d", {"padding": (1, 1)}),
            ("cpad2", "torch.nn.modules.padding.CircularPad2d", {"padding": (1, 1, 1, 1)}),
            ("cpad3", "torch.nn.modules.padding.CircularPad3d", {"padding": (1,) * 6}),
            ("zpad1", "torch.nn.modules.padding.ZeroPad1d", {"padding": (1, 1), "value": 0.0}),
            ("zpad3", "torch.nn.modules.padding.ZeroPad3d", {"padding": (1,) * 6, "value": 0.0})]
    children = {}
    for i, (k, q, extra) in enumerate(mods):
        p = {"weight": param(tensor("float32", str(i), (4,)))} if k == "norm" else {}
        children[k] = module(q, p, **extra)
    whole = module("torch.nn.modules.container.Sequential", modules=children)
    torch_zip("whole_module_torch2.pt", whole, [("0", 16)])


# ------------------------------------------------------------ xgboost / LightGBM wrappers
# xgboost python-package/xgboost/core.py Booster.__getstate__ (dict, 'handle'
# = bytearray of the serialized model); sklearn.py XGBClassifier has no
# __reduce__ (NEWOBJ + BUILD of __dict__). LightGBM basic.py
# Booster.__getstate__ (dict, '_handle' = model text); sklearn.py LGBMModel.
def boosting():
    xb = NEW(C("xgboost.core.Booster"), {"handle": bytearray(b"{L\x00\x00\x00\x00"), "feature_names": None, "feature_types": None})
    for q in ("XGBClassifier", "XGBRegressor", "XGBRanker", "XGBRFClassifier", "XGBRFRegressor"):
        est = NEW(C("xgboost.sklearn." + q), {"n_estimators": 2, "_Booster": xb, "n_classes_": 2, "objective": "binary:logistic"})
        save("boosting", "xgboost_%s_p4.pkl" % q, est, 4, "xgboost 2.x-3.x python-package/xgboost/{core,sklearn}.py")
    lb = NEW(C("lightgbm.basic.Booster"), {"_handle": "tree\nversion=v4\n", "best_iteration": 0, "pandas_categorical": None})
    for q in ("LGBMClassifier", "LGBMRegressor", "LGBMRanker"):
        est = NEW(C("lightgbm.sklearn." + q), {"n_estimators": 2, "_Booster": lb, "_n_features": 3, "_objective": "binary"})
        save("boosting", "lightgbm_%s_p4.pkl" % q, est, 4, "LightGBM 4.x python-package/lightgbm/{basic,sklearn}.py")


# ------------------------------------------------------------ Hugging Face training_args.bin
# transformers src/transformers/trainer.py saves torch.save(self.args,
# "training_args.bin"): the TrainingArguments dataclass (no __reduce__:
# NEWOBJ + BUILD of __dict__) whose strategy fields are ExplicitEnum members
# (Enum.__reduce_ex__: (EnumClass, (value,))) from trainer_utils.py /
# training_args.py / debug_utils.py, accelerator_config an AcceleratorConfig
# dataclass (trainer_pt_utils.py, 4.38+), and, once devices were set up,
# distributed_state an accelerate PartialState whose distributed_type is a
# DistributedType member (accelerate src/accelerate/state.py, utils/dataclasses.py).
def hf_training_args():
    E = lambda q, v: R(C(q), (v,))
    dev = R(C("torch.device"), ("cpu",))
    state = NEW(C("accelerate.state.PartialState"), {"_cpu": False, "backend": None, "device": dev, "debug": False,
                "distributed_type": E("accelerate.utils.dataclasses.DistributedType", "NO"), "num_processes": 1,
                "process_index": 0, "local_process_index": 0, "fork_launched": False})
    for cls in ("transformers.training_args.TrainingArguments", "transformers.training_args_seq2seq.Seq2SeqTrainingArguments"):
        args = NEW(C(cls), {"output_dir": "out", "eval_strategy": E("transformers.trainer_utils.IntervalStrategy", "steps"),
                            "save_strategy": E("transformers.trainer_utils.SaveStrategy", "epoch"),
                            "logging_strategy": E("transformers.trainer_utils.IntervalStrategy", "steps"),
                            "lr_scheduler_type": E("transformers.trainer_utils.SchedulerType", "linear"),
                            "optim": E("transformers.training_args.OptimizerNames", "adamw_torch"),
                            "hub_strategy": E("transformers.trainer_utils.HubStrategy", "every_save"),
                            "debug": [E("transformers.debug_utils.DebugOption", "underflow_overflow")],
                            "fsdp": [E("transformers.trainer_utils.FSDPOption", "full_shard")],
                            "accelerator_config": NEW(C("transformers.trainer_pt_utils.AcceleratorConfig"),
                                                      {"split_batches": False, "dispatch_batches": None, "even_batches": True}),
                            "distributed_state": state, "_n_gpu": 0, "__cached__setup_devices": dev, "report_to": ["none"]})
        torch_zip("hf_%s_training_args.bin" % cls.rsplit(".", 1)[1], args, [])
        rows[-1] = ("torch/" + rows[-1][0].split("/", 1)[1], 2, "transformers 4.38-4.5x src/transformers/{training_args,trainer_utils,trainer_pt_utils,debug_utils}.py, accelerate state.py")


def main():
    numpy2()
    boosting()
    hf_training_args()
    sklearn()
    pyarrow_objs()
    for p in (2, 4, 5):
        pandas(p)
    torch2()
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write("# Reconstructions of newer library versions (not real-library outputs)\n\n"
                "Written by `../gen_newer.py` from stand-in objects with the exact module and qualified\n"
                "names and reduce structure read in each library's source (no PyPI here to install\n"
                "those versions). They stand in for files the hidden benign sets may hold; ward must\n"
                "give nothing at high or above on them (`TestNewerLibraryReconstructions`).\n\n"
                "| file | protocol | shaped after |\n|---|---|---|\n")
        for r in rows:
            f.write("| `%s` | %s | %s |\n" % r)


if __name__ == "__main__":
    main()
