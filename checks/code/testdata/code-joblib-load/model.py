import joblib
from joblib import load as jl
import joblib as jb
from sklearn.externals import joblib as skjob

# ruleid: code-joblib-load
model = joblib.load("model.joblib")
# ruleid: code-joblib-load
model2 = jl("model.pkl")
# ruleid: code-joblib-load
model3 = jb.load(path)
# ruleid: code-joblib-load
model4 = skjob.load(path)
# ok: code-joblib-load
joblib.dump(model, "model.joblib")
# ok: code-joblib-load
cfg = config.load("settings")
# ok: code-joblib-load
pool = joblib.Parallel(n_jobs=2)
