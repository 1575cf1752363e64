import keras
import tensorflow as tf
from keras.models import load_model

# ruleid: code-keras-unsafe-mode
m1 = keras.models.load_model("m.keras", safe_mode=False)
# ruleid: code-keras-unsafe-mode
m2 = tf.keras.models.load_model(path, safe_mode=False)
# ruleid: code-keras-unsafe-mode
m3 = load_model(path, compile=False, safe_mode=False)
# ruleid: code-keras-unsafe-mode
keras.config.enable_unsafe_deserialization()
# ok: code-keras-unsafe-mode
m4 = keras.models.load_model("m.keras")
# ok: code-keras-unsafe-mode
m5 = load_model(path, safe_mode=True)
# ok: code-keras-unsafe-mode
m6 = other.load_model(path, safe_mode=False)
