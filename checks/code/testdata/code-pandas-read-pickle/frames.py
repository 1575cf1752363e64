import pandas as pd
import pandas
from pandas import read_pickle as rp

# ruleid: code-pandas-read-pickle
df = pd.read_pickle("frame.pkl")
# ruleid: code-pandas-read-pickle
df2 = pandas.read_pickle(path)
# ruleid: code-pandas-read-pickle
df3 = rp(path)
# ok: code-pandas-read-pickle
df4 = pd.read_parquet("frame.parquet")
# ok: code-pandas-read-pickle
df.to_pickle("frame.pkl")
# ok: code-pandas-read-pickle
df5 = pd.read_csv("frame.csv")
