#!/usr/bin/python3
"""Writes ward's benign data-science corpus with the real libraries (Debian's
python3-sklearn, -pandas, -numpy, -scipy, -torch, -joblib):

    /usr/bin/python3 checks/model/testdata/corpus/gen_benign.py

benign/sklearn/   every estimator of sklearn.utils.all_estimators(), fitted on
                  tiny data, saved with pickle and with joblib.dump (raw and
                  every compressor)
benign/pandas/    DataFrames, Series and indexes of every dtype (tz-aware via
                  pytz, dateutil, zoneinfo; categorical, MultiIndex, period,
                  interval, sparse, nullable, string), pickled and joblib'd
benign/numpy/     arrays of every dtype, .npy, .npz and pickled
benign/torch/     state dicts, whole modules, optimizers, TorchScript
manifest.tsv      file, library, what it holds, how it was fitted

Everything is written by the library itself; nothing is hand-made. ward's
test (corpus_benign_test.go) requires no finding at high or above on any of
it and the exact medium findings listed in checks/model/README.md.
"""
import io, os, pickle, sys, warnings

warnings.filterwarnings("ignore")
import joblib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "benign")
manifest = []
COMPRESSORS = ["zlib", "gzip", "bz2", "lzma", "xz", "lz4"]


def path(sub, name):
    d = os.path.join(OUT, sub)
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, name)


def save_pickle(sub, name, obj, protocol=pickle.DEFAULT_PROTOCOL, note=""):
    with open(path(sub, name), "wb") as f:
        pickle.dump(obj, f, protocol=protocol)
    manifest.append((sub + "/" + name, "pickle", note))


def save_joblib(sub, name, obj, compressors=COMPRESSORS, note=""):
    joblib.dump(obj, path(sub, name + ".joblib"))
    manifest.append((sub + "/" + name + ".joblib", "joblib", note))
    for c in compressors:
        joblib.dump(obj, path(sub, name + ".joblib." + c), compress=(c, 3))
        manifest.append((sub + "/" + name + ".joblib." + c, "joblib " + c, note))


# ------------------------------------------------------------ scikit-learn
def sklearn_corpus():
    from sklearn.utils import all_estimators
    from sklearn.utils.estimator_checks import _construct_instance

    rng = np.random.RandomState(0)
    X = np.abs(rng.rand(40, 4)) + 0.1
    yc = np.array([0, 1, 2, 1] * 10)
    yr = X[:, 0] * 2 + rng.rand(40) * 0.1 + 0.5
    y2 = np.c_[yc % 2, (yc + 1) % 2]
    texts = ["the cat sat", "a dog ran", "cats and dogs", "the end"] * 10
    dicts = [{"a": i % 3, "b": "x" if i % 2 else "y"} for i in range(40)]
    attempts = [
        ("X,y_class", lambda e: e.fit(X, yc)),
        ("X,y_reg", lambda e: e.fit(X, yr)),
        ("X,y_multi", lambda e: e.fit(X, y2)),
        ("X", lambda e: e.fit(X)),
        ("X1,y_reg", lambda e: e.fit(X[:, 0], yr)),
        ("text", lambda e: e.fit(texts)),
        ("dicts", lambda e: e.fit(dicts)),
        ("pairs", lambda e: e.fit([[("a", 1), ("b", 2)]] * 40)),
    ]
    from sklearn.compose import ColumnTransformer
    from sklearn.decomposition import SparseCoder
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import StandardScaler
    # the estimators _construct_instance cannot build (required arguments)
    META = {
        "ColumnTransformer": lambda: ColumnTransformer([("s", StandardScaler(), [0, 1])], remainder="passthrough"),
        "FeatureUnion": lambda: FeatureUnion([("s", StandardScaler()), ("t", StandardScaler(with_mean=False))]),
        "GridSearchCV": lambda: GridSearchCV(LogisticRegression(), {"C": [0.1, 1]}, cv=2),
        "RandomizedSearchCV": lambda: RandomizedSearchCV(LogisticRegression(), {"C": [0.1, 1]}, n_iter=2, cv=2),
        "Pipeline": lambda: Pipeline([("s", StandardScaler()), ("lr", LogisticRegression())]),
        "SparseCoder": lambda: SparseCoder(dictionary=np.eye(4)[:2]),
    }
    n = 0
    for name, Est in all_estimators():
        try:
            est = META[name]() if name in META else _construct_instance(Est)
        except Exception as e:  # SkipTest for those it cannot build
            print("skip", name, type(e).__name__, e, file=sys.stderr)
            continue
        for p, v in [("n_estimators", 3), ("max_iter", 20), ("n_components", 2), ("n_clusters", 2),
                     ("n_neighbors", 3), ("max_depth", 2)]:
            if p in est.get_params():
                try:
                    est.set_params(**{p: v})
                except Exception:
                    pass
        how = "unfitted"
        for label, fit in attempts:
            try:
                fit(est)
                how = label
                break
            except Exception:
                continue
        note = "%s.%s fitted on %s" % (Est.__module__, name, how)
        save_pickle("sklearn", name + ".pkl", est, note=note)
        save_joblib("sklearn", name, est, note=note)
        n += 1
    # the other neighbours tree: BallTree pickles through its own newObj
    from sklearn.neighbors import KNeighborsClassifier
    bt = KNeighborsClassifier(n_neighbors=3, algorithm="ball_tree").fit(X, yc)
    save_pickle("sklearn", "KNeighborsClassifier_ball_tree.pkl", bt, note="algorithm='ball_tree'")
    save_joblib("sklearn", "KNeighborsClassifier_ball_tree", bt, compressors=["zlib"], note="algorithm='ball_tree'")
    print("sklearn estimators saved:", n, file=sys.stderr)


# ------------------------------------------------------------ pandas
def pandas_corpus():
    import datetime
    import zoneinfo

    import dateutil.tz
    import pandas as pd
    import pytz

    idx = pd.date_range("2024-01-01", periods=4, freq="D", tz="UTC")
    frames = {
        "df_utc_index": pd.DataFrame({"x": [1.0, 2, 3, 4]}, index=idx),
        "df_pytz": pd.DataFrame({"t": pd.date_range("2024-03-30", periods=4, freq="H", tz=pytz.timezone("Europe/Berlin"))}),
        "df_pytz_utc": pd.DataFrame({"t": [datetime.datetime(2024, 1, 1, tzinfo=pytz.utc)] * 3}),
        "df_dateutil": pd.DataFrame({"t": pd.date_range("2024-01-01", periods=3, tz=dateutil.tz.gettz("America/New_York"))}),
        "df_dateutil_utc": pd.DataFrame({"t": pd.date_range("2024-01-01", periods=3, tz=dateutil.tz.tzutc())}),
        "df_zoneinfo": pd.DataFrame({"t": pd.date_range("2024-01-01", periods=3, tz=zoneinfo.ZoneInfo("Asia/Tokyo"))}),
        "df_fixed_offset": pd.DataFrame({"t": pd.date_range("2024-01-01", periods=3, tz=datetime.timezone(datetime.timedelta(hours=5, minutes=30)))}),
        "df_numeric": pd.DataFrame({"i8": np.arange(3, dtype="int8"), "u64": np.arange(3, dtype="uint64"),
                                    "f32": np.ones(3, dtype="float32"), "c128": np.ones(3, dtype="complex128"),
                                    "b": [True, False, True]}),
        "df_nullable": pd.DataFrame({"I": pd.array([1, None, 3], dtype="Int64"), "U": pd.array([1, 2, None], dtype="UInt8"),
                                     "F": pd.array([1.5, None, 2], dtype="Float64"), "B": pd.array([True, None, False], dtype="boolean")}),
        "df_string": pd.DataFrame({"s": pd.array(["a", None, "c"], dtype="string"), "o": ["x", "y", "z"]}),
        "df_categorical": pd.DataFrame({"c": pd.Categorical(["a", "b", "a"], categories=["a", "b", "c"], ordered=True)}),
        "df_period": pd.DataFrame({"p": pd.period_range("2024-01", periods=3, freq="M")}),
        "df_interval": pd.DataFrame({"iv": pd.interval_range(0, 3)}),
        "df_timedelta": pd.DataFrame({"td": pd.to_timedelta([1, 2, 3], unit="s")}),
        "df_sparse": pd.DataFrame({"sp": pd.arrays.SparseArray([0, 0, 1.5, 0])}),
        "df_multiindex": pd.DataFrame({"v": [1, 2, 3, 4]}, index=pd.MultiIndex.from_product([["a", "b"], [1, 2]], names=["k", "n"])),
        "df_multi_columns": pd.DataFrame(np.ones((2, 4)), columns=pd.MultiIndex.from_product([["x", "y"], ["m", "s"]])),
        "df_datetime_naive": pd.DataFrame({"t": pd.date_range("2024-01-01", periods=3)}),
        "df_mixed_object": pd.DataFrame({"o": [1, "a", None], "l": [[1], [2], [3]], "d": [{"a": 1}, {}, None]}),
    }
    series = {
        "series_int": pd.Series([1, 2, 3], name="n"),
        "series_tz": pd.Series(pd.date_range("2024-01-01", periods=3, tz="US/Eastern")),
        "series_category": pd.Series(["x", "y", "x"], dtype="category"),
        "series_period_index": pd.Series([1, 2], index=pd.period_range("2024Q1", periods=2, freq="Q")),
        "series_interval_index": pd.Series([1, 2], index=pd.IntervalIndex.from_breaks([0, 1, 2])),
        "series_categorical_index": pd.Series([1, 2], index=pd.CategoricalIndex(["a", "b"])),
        "series_timedelta_index": pd.Series([1, 2], index=pd.timedelta_range("1 day", periods=2)),
        "series_sparse_int": pd.Series(pd.arrays.SparseArray([0, 1, 0], fill_value=0)),
    }
    indexes = {
        "index_datetime_utc": idx,
        "index_range": pd.RangeIndex(5),
        "index_float": pd.Index([1.5, 2.5]),
        "index_multi": pd.MultiIndex.from_arrays([[1, 2], ["a", "b"]]),
        "timestamp_tz": pd.Timestamp("2024-01-01", tz="Europe/London"),
        "timedelta": pd.Timedelta("1 day"),
        "period": pd.Period("2024-01", freq="M"),
        "interval": pd.Interval(0, 1),
        "na_nat": [pd.NA, pd.NaT],
        "offsets": [pd.offsets.Day(2), pd.offsets.MonthEnd(), pd.offsets.BusinessDay()],
    }
    for name, obj in {**frames, **series, **indexes}.items():
        note = "pandas %s" % type(obj).__name__
        save_pickle("pandas", name + ".pkl", obj, protocol=pickle.HIGHEST_PROTOCOL, note=note)
        save_pickle("pandas", name + "_p2.pkl", obj, protocol=2, note=note + " protocol 2")
        save_joblib("pandas", name, obj, compressors=["zlib"], note=note)
    frames["df_utc_index"].to_pickle(path("pandas", "to_pickle_utc.pkl"))
    manifest.append(("pandas/to_pickle_utc.pkl", "pandas.to_pickle", "DataFrame with a UTC DatetimeIndex"))
    frames["df_categorical"].to_pickle(path("pandas", "to_pickle_categorical.pkl.gz"))
    manifest.append(("pandas/to_pickle_categorical.pkl.gz", "pandas.to_pickle gzip", "categorical"))


# ------------------------------------------------------------ numpy
def numpy_corpus():
    dtypes = ["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "g", "c8", "c16", "G",
              "M8[ns]", "M8[D]", "m8[s]", "U5", "S5", "V4", ">i4", ">f8"]
    arrays = {}
    # np.savez member names: "g" and "G" would collide under case-insensitive lookup
    NAMES = {"?": "bool", "g": "longdouble", "G": "clongdouble"}
    for d in dtypes:
        arrays["dtype_" + NAMES.get(d, d).replace("[", "_").replace("]", "").replace(">", "be_")] = np.zeros(3, dtype=d)
    arrays["structured"] = np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8", (2,)), ("c", "S3")])
    arrays["nested_structured"] = np.zeros(2, dtype=[("p", [("x", "f4"), ("y", "f4")]), ("n", "u1")])
    arrays["fortran"] = np.asfortranarray(np.arange(6, dtype="f8").reshape(2, 3))
    arrays["zero_d"] = np.array(3.5)
    arrays["empty"] = np.zeros((0, 3))
    arrays["object_strings"] = np.array(["alpha", "beta", "gamma"], dtype=object)
    arrays["object_mixed"] = np.array([1, "two", None, 3.0, (4,)], dtype=object)
    arrays["object_nested_arrays"] = np.array([np.arange(2), np.arange(3)], dtype=object)
    arrays["structured_object_field"] = np.array([(1, "x")], dtype=[("i", "i4"), ("o", "O")])
    for name, a in arrays.items():
        np.save(path("numpy", name + ".npy"), a, allow_pickle=True)
        manifest.append(("numpy/%s.npy" % name, "numpy.save", str(a.dtype)))
        save_pickle("numpy", name + ".pkl", a, note=str(a.dtype))
    np.savez(path("numpy", "all_dtypes.npz"), **arrays)
    np.savez_compressed(path("numpy", "all_dtypes_compressed.npz"), **arrays)
    manifest.append(("numpy/all_dtypes.npz", "numpy.savez", "every array above"))
    manifest.append(("numpy/all_dtypes_compressed.npz", "numpy.savez_compressed", "every array above"))
    scalars = {d: np.zeros(1, dtype=d)[0] for d in ["?", "i1", "u8", "f2", "f8", "c16", "M8[ns]", "m8[s]", "U3", "S3"]}
    scalars["rng"] = np.random.default_rng(0)
    scalars["rs"] = np.random.RandomState(0)
    scalars["dtype_struct"] = np.dtype([("a", "i4"), ("b", "O")])
    save_pickle("numpy", "scalars.pkl", scalars, note="numpy scalars, generators, dtypes")
    save_pickle("numpy", "scalars_p2.pkl", scalars, protocol=2, note="protocol 2")
    save_joblib("numpy", "arrays", arrays, note="every array above")


# ------------------------------------------------------------ torch
def torch_corpus():
    import torch
    import torch.nn as nn

    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Dropout(0.1), nn.Linear(2, 3), nn.LayerNorm(3), nn.GELU(), nn.Embedding(4, 3))
    rnn = nn.LSTM(3, 2, batch_first=True)
    tr = nn.TransformerEncoderLayer(d_model=4, nhead=2, dim_feedforward=8)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model[6](torch.randn(2, 2)).sum().backward()
    opt.step()
    sched = torch.optim.lr_scheduler.StepLR(opt, 1)

    def T(name, obj, **kw):
        torch.save(obj, path("torch", name), **kw)
        manifest.append(("torch/" + name, "torch.save", type(obj).__name__))

    T("sequential_state_dict.pt", model.state_dict())
    T("sequential_state_dict_legacy.pt", model.state_dict(), _use_new_zipfile_serialization=False)
    T("lstm_state_dict.pt", rnn.state_dict())
    T("transformer_state_dict.pt", tr.state_dict())
    T("sequential_module.pt", model)
    T("lstm_module.pt", rnn)
    T("transformer_module.pt", tr)
    T("sequential_module_legacy.pt", model, _use_new_zipfile_serialization=False)
    T("checkpoint.pt", {"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
                        "epoch": 2, "rng": torch.get_rng_state()})
    T("tensors_dtypes.pt", {str(d): torch.zeros(2, dtype=d) for d in
                            [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int8, torch.uint8,
                             torch.int16, torch.int32, torch.int64, torch.bool, torch.complex64, torch.complex128]})
    T("sparse_tensor.pt", {"s": torch.eye(3).to_sparse()})
    T("quantized_tensor.pt", {"q": torch.quantize_per_tensor(torch.ones(3), 0.1, 0, torch.quint8)})
    T("parameter.pt", nn.Parameter(torch.ones(2)))
    with open(path("torch", "tensor_pickled.pkl"), "wb") as f:
        pickle.dump({"w": torch.ones(3)}, f)
    manifest.append(("torch/tensor_pickled.pkl", "pickle", "tensor"))
    for name, m in [("linear", nn.Linear(3, 2)), ("sequential", nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)))]:
        torch.jit.save(torch.jit.script(m), path("torch", "torchscript_%s.pt" % name))
        manifest.append(("torch/torchscript_%s.pt" % name, "torch.jit.save", name))
    torch.jit.save(torch.jit.trace(nn.Conv1d(1, 1, 2), torch.ones(1, 1, 4)), path("torch", "torchscript_traced_conv.pt"))
    manifest.append(("torch/torchscript_traced_conv.pt", "torch.jit.trace", "conv1d"))


def loss_and_seed_corpus():
    """Compiled reconstructors newer versions write more often (scikit-learn's
    Cython losses, NumPy's SeedSequence, which NumPy 2 pickles with every
    BitGenerator), written here by Debian's own versions."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.linear_model import TweedieRegressor
    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.arange(20, dtype=float) + 1
    for name, est in [("HGBR_absolute_error", HistGradientBoostingRegressor(loss="absolute_error", max_iter=2)),
                      ("HGBR_quantile", HistGradientBoostingRegressor(loss="quantile", quantile=0.3, max_iter=2)),
                      ("HGBC_binary", HistGradientBoostingClassifier(max_iter=2)),
                      ("Tweedie_power1.5", TweedieRegressor(power=1.5, link="log"))]:
        est.fit(X, (y > 10).astype(int) if name == "HGBC_binary" else y)
        save_pickle("sklearn", name + ".pkl", est, note="loss object kept after fit")
        save_joblib("sklearn", name, est, compressors=[], note="loss object kept after fit")
    save_pickle("numpy", "seed_sequence_p4.pkl", np.random.SeedSequence(12345), protocol=4, note="SeedSequence")
    save_pickle("numpy", "seed_sequence_p2.pkl", np.random.SeedSequence(12345), protocol=2, note="SeedSequence")


def parameter_variants_corpus():
    """Estimators with non-default parameters that keep other fitted objects:
    every SGD loss (Cython classes whose __reduce__ calls them with a float),
    every GradientBoosting loss, every BallTree/KDTree metric, Gaussian
    process kernels, the MLP SGD optimizer."""
    from sklearn import ensemble as en, gaussian_process as gp, linear_model as lm, neighbors as nb, neural_network as nn
    from sklearn.gaussian_process import kernels as K
    X = np.abs(np.random.RandomState(0).rand(30, 3)) + 0.1
    yc, y3, yr = np.arange(30) % 2, np.arange(30) % 3, np.arange(30.0) + 1
    V = []
    for l in ["log_loss", "modified_huber", "squared_hinge", "perceptron", "squared_error", "huber",
              "epsilon_insensitive", "squared_epsilon_insensitive"]:
        V.append(("SGDClassifier_" + l, lm.SGDClassifier(loss=l), yc, X))
    for l in ["absolute_error", "huber", "quantile"]:
        V.append(("GradientBoostingRegressor_" + l, en.GradientBoostingRegressor(loss=l, n_estimators=2), yr, X))
    V.append(("GradientBoostingClassifier_binary", en.GradientBoostingClassifier(n_estimators=2), yc, X))
    V.append(("GradientBoostingClassifier_exponential", en.GradientBoostingClassifier(loss="exponential", n_estimators=2), yc, X))
    for m, kw in [("manhattan", None), ("chebyshev", None), ("minkowski", {"p": 3}), ("haversine", None), ("canberra", None),
                  ("braycurtis", None), ("hamming", None), ("jaccard", None), ("seuclidean", {"V": np.ones(3)}),
                  ("mahalanobis", {"V": np.eye(3)}), ("wminkowski", {"p": 2, "w": np.ones(3)}), ("dice", None),
                  ("rogerstanimoto", None), ("russellrao", None), ("sokalmichener", None), ("sokalsneath", None), ("matching", None)]:
        XX = X[:, :2] if m == "haversine" else X
        V.append(("KNeighborsClassifier_ball_tree_" + m, nb.KNeighborsClassifier(n_neighbors=1, algorithm="ball_tree", metric=m, metric_params=kw), yc, XX))
    V.append(("GaussianProcessClassifier_matern_white", gp.GaussianProcessClassifier(kernel=K.Matern() + K.WhiteKernel()), yc, X))
    V.append(("GaussianProcessRegressor_kernels", gp.GaussianProcessRegressor(
        kernel=K.RationalQuadratic() + K.ExpSineSquared() + K.DotProduct() ** 2 + K.PairwiseKernel(), alpha=1.0), yr, X))
    V.append(("MLPClassifier_sgd", nn.MLPClassifier(solver="sgd", max_iter=2), yc, X))
    for name, est, y, XX in V:
        est.fit(XX, y)
        save_pickle("sklearn", name + ".pkl", est, protocol=4, note="non-default parameters")
        save_joblib("sklearn", name, est, compressors=[], note="non-default parameters")


def timezone_and_numpy_variants_corpus():
    """Time zones pandas 1.x attaches when parsing offsets or local times
    (pytz.FixedOffset, dateutil's tzoffset/tzlocal/tzrange/tzstr) and NumPy
    objects beyond plain arrays (record and char arrays, finfo/iinfo,
    polynomials, scalar type objects)."""
    import datetime
    import dateutil.tz as dtz
    import pandas as pd
    import pytz
    tzs = {"pytz_FixedOffset": pytz.FixedOffset(120), "dateutil_tzoffset": dtz.tzoffset("X", 3600),
           "dateutil_tzlocal": dtz.tzlocal(), "dateutil_tzrange": dtz.tzrange("EST", -18000)}
    for name, tz in tzs.items():
        save_pickle("pandas", "timestamps_%s_p2.pkl" % name, pd.DataFrame({"t": pd.date_range("2020", periods=2, tz=tz)}), protocol=2, note=name)
        save_pickle("pandas", "tz_%s_p4.pkl" % name, tz, protocol=4, note=name)
    save_pickle("pandas", "parsed_offsets_p4.pkl", pd.to_datetime(pd.Series(["2020-01-01T00:00:00+02:00"])), protocol=4,
                note="to_datetime of ISO strings with an offset (pytz.FixedOffset)")
    save_pickle("pandas", "tz_dateutil_tzstr_p4.pkl", dtz.tzstr("EST5EDT"), protocol=4, note="tzstr (relativedelta, weekday)")
    objs = {"recarray": np.rec.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")]), "chararray": np.char.array(["a", "b"]),
            "finfo": np.finfo(np.float32), "iinfo": np.iinfo(np.int32), "polynomial": np.polynomial.Polynomial([1, 2]),
            "scalar_types": [np.datetime64, np.timedelta64, np.void, np.longdouble]}
    for name, o in objs.items():
        save_pickle("numpy", "%s_p2.pkl" % name, o, protocol=2, note=name)
        save_pickle("numpy", "%s_p4.pkl" % name, o, protocol=4, note=name)


def torch_training_state_corpus():
    """Training state saved whole (optimizers, LR schedulers), modules with
    weight_norm/spectral_norm hooks, a GELU transformer layer."""
    import torch
    import torch.nn as nn
    torch.manual_seed(0)

    def T(name, obj, note):
        torch.save(obj, path("torch", name))
        manifest.append(("torch/" + name, "torch.save", note))
    for o in ["Adadelta", "Adagrad", "Adam", "Adamax", "AdamW", "ASGD", "LBFGS", "NAdam", "RAdam", "RMSprop", "Rprop", "SparseAdam"]:
        T("optimizer_whole_%s.pt" % o, getattr(torch.optim, o)(nn.Linear(2, 2).parameters()), "torch.optim.%s pickled whole" % o)
    for name, mk in [("StepLR", lambda op: torch.optim.lr_scheduler.StepLR(op, 2)),
                     ("CosineAnnealingLR", lambda op: torch.optim.lr_scheduler.CosineAnnealingLR(op, 2)),
                     ("ReduceLROnPlateau", lambda op: torch.optim.lr_scheduler.ReduceLROnPlateau(op))]:
        T("scheduler_whole_%s.pt" % name, mk(torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)), "lr_scheduler pickled whole")
    T("weight_norm_module.pt", nn.utils.weight_norm(nn.Linear(3, 2)), "weight_norm hook")
    T("spectral_norm_module.pt", nn.utils.spectral_norm(nn.Linear(3, 2)), "spectral_norm hooks")
    T("transformer_gelu_module.pt", nn.TransformerEncoderLayer(4, 2, activation="gelu"), "F.gelu stored")
    T("dtype_quint4x2.pt", [torch.quint4x2, torch.bfloat16], "dtype objects")


def scipy_and_search_corpus():
    """SciPy sparse matrices and arrays of every format, frozen distributions
    (RandomizedSearchCV keeps them in param_distributions), gaussian_kde,
    a FunctionTransformer holding NumPy ufuncs."""
    import scipy.sparse as sp
    import scipy.stats as st
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import RandomizedSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler
    m = sp.random(4, 4, density=0.5, random_state=0)
    for f in ["bsr_matrix", "dia_matrix", "lil_matrix", "dok_matrix", "csr_array", "csc_array", "coo_array", "bsr_array",
              "dia_array", "lil_array", "dok_array"]:
        save_pickle("numpy", "scipy_sparse_%s_p4.pkl" % f, getattr(sp, f)(m), protocol=4, note="scipy.sparse." + f)
    X = np.random.RandomState(0).rand(30, 3)
    y = np.arange(30) % 2
    est = RandomizedSearchCV(LogisticRegression(), {"C": st.loguniform(1e-3, 1e3), "tol": st.uniform(1e-4, 1e-3)},
                             n_iter=2, cv=2, random_state=0).fit(X, y)
    save_pickle("sklearn", "RandomizedSearchCV_loguniform.pkl", est, protocol=4, note="frozen scipy.stats distributions")
    save_joblib("sklearn", "RandomizedSearchCV_loguniform", est, compressors=[], note="frozen scipy.stats distributions")
    save_pickle("numpy", "scipy_stats_frozen_p2.pkl", [st.norm(0, 1), st.expon(scale=2.0)], protocol=2, note="frozen distributions")
    save_pickle("numpy", "scipy_gaussian_kde_p4.pkl", st.gaussian_kde(X.T), protocol=4, note="gaussian_kde")
    pipe = make_pipeline(FunctionTransformer(np.log1p, inverse_func=np.expm1), StandardScaler()).fit(X)
    save_pickle("sklearn", "FunctionTransformer_log1p.pkl", pipe, protocol=4, note="NumPy ufuncs as parameters")
    save_joblib("sklearn", "FunctionTransformer_log1p", pipe, compressors=[], note="NumPy ufuncs as parameters")


def scipy_distributions_corpus():
    """Every scipy.stats distribution, frozen with default shape parameters
    (discrete ones keep vectorize(self._entropy), a bound method pickled as
    getattr), a RandomizedSearchCV over integer distributions, and a
    OneCycleLR state dict (torch 1.13 keeps anneal_func, a bound method)."""
    import scipy.stats as st
    import torch
    import torch.nn as nn
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import RandomizedSearchCV
    frozen = {}
    for n in sorted(dir(st)):
        d = getattr(st, n)
        if not isinstance(d, (st.rv_discrete, st.rv_continuous)) or n == "gilbrat":
            continue
        try:
            frozen[n] = d(*([0.5 if isinstance(d, st.rv_discrete) and n in ("bernoulli", "geom", "logser") else 2] * d.numargs))
            pickle.dumps(frozen[n])
        except Exception:
            frozen.pop(n, None)  # a shape the default value does not fit, or not picklable
    save_pickle("numpy", "scipy_stats_all_frozen_p4.pkl", frozen, protocol=4, note="%d frozen scipy.stats distributions" % len(frozen))
    save_pickle("numpy", "scipy_stats_all_frozen_p2.pkl", frozen, protocol=2, note="%d frozen scipy.stats distributions" % len(frozen))
    X = np.random.RandomState(0).rand(30, 3)
    y = np.arange(30) % 2
    est = RandomizedSearchCV(RandomForestClassifier(n_estimators=2, random_state=0),
                             {"max_depth": st.randint(1, 4), "min_samples_split": st.poisson(3, loc=2)},
                             n_iter=2, cv=2, random_state=0).fit(X, y)
    save_pickle("sklearn", "RandomizedSearchCV_randint.pkl", est, protocol=4, note="discrete scipy.stats distributions")
    save_joblib("sklearn", "RandomizedSearchCV_randint", est, compressors=[], note="discrete scipy.stats distributions")
    for strategy in ["cos", "linear"]:
        opt = torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10, anneal_strategy=strategy)
        name = "OneCycleLR_%s_state_dict.pt" % strategy
        torch.save(sched.state_dict(), path("torch", name))
        manifest.append(("torch/" + name, "torch.save", "OneCycleLR state dict (anneal_func: a bound method)"))


def search_and_scoring_corpus():
    """Model selection state: searches with string and custom scorers (the
    scorer keeps the metric function), CV splitter objects, successive
    halving, univariate score functions, column selectors, IterativeImputer."""
    from sklearn.compose import ColumnTransformer, make_column_selector
    from sklearn.experimental import enable_halving_search_cv, enable_iterative_imputer  # noqa: F401
    from sklearn.feature_selection import SelectKBest, chi2, f_regression, mutual_info_classif
    from sklearn.impute import IterativeImputer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.metrics import fbeta_score, make_scorer
    from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV, StratifiedKFold
    from sklearn.preprocessing import StandardScaler
    import pandas as pd
    X = np.random.RandomState(0).rand(40, 3)
    y, yr = np.arange(40) % 2, np.arange(40.0)
    V = []
    for sc in ["accuracy", "roc_auc", "f1_macro", "neg_log_loss", "balanced_accuracy", "average_precision", "r2", "neg_mean_squared_error"]:
        reg = sc in ("r2", "neg_mean_squared_error")
        V.append(("GridSearchCV_" + sc, GridSearchCV(Ridge() if reg else LogisticRegression(), {"alpha" if reg else "C": [1, 2]},
                                                     scoring=sc, cv=2), yr if reg else y))
    V.append(("GridSearchCV_multimetric", GridSearchCV(LogisticRegression(), {"C": [1]}, scoring=["accuracy", "f1"], refit="accuracy", cv=2), y))
    V.append(("GridSearchCV_make_scorer", GridSearchCV(LogisticRegression(), {"C": [1]}, scoring=make_scorer(fbeta_score, beta=2), cv=2), y))
    V.append(("GridSearchCV_StratifiedKFold", GridSearchCV(LogisticRegression(), {"C": [1]}, cv=StratifiedKFold(2, shuffle=True, random_state=0)), y))
    V.append(("HalvingGridSearchCV", HalvingGridSearchCV(LogisticRegression(), {"C": [1, 2]}, cv=2, min_resources=20), y))
    V.append(("SelectKBest_mutual_info", SelectKBest(mutual_info_classif, k=2), y))
    V.append(("SelectKBest_chi2", SelectKBest(chi2, k=2), y))
    V.append(("SelectKBest_f_regression", SelectKBest(f_regression, k=2), yr))
    V.append(("IterativeImputer", IterativeImputer(), None))
    for name, est, yy in V:
        est.fit(X) if yy is None else est.fit(X, yy)
        save_pickle("sklearn", name + ".pkl", est, protocol=4, note="model selection state")
    df = pd.DataFrame(X, columns=list("abc"))
    ct = ColumnTransformer([("num", StandardScaler(), make_column_selector(dtype_include=np.number))]).fit(df)
    save_pickle("sklearn", "ColumnTransformer_make_column_selector.pkl", ct, protocol=4, note="column selector")


if __name__ == "__main__":
    sklearn_corpus()
    pandas_corpus()
    numpy_corpus()
    torch_corpus()
    loss_and_seed_corpus()
    parameter_variants_corpus()
    timezone_and_numpy_variants_corpus()
    torch_training_state_corpus()
    scipy_and_search_corpus()
    search_and_scoring_corpus()
    scipy_distributions_corpus()
    with open(os.path.join(HERE, "manifest.tsv"), "w") as f:
        f.write("# file\twriter\twhat (generated by gen_benign.py)\n")
        for row in sorted(manifest):
            f.write("\t".join(row) + "\n")
