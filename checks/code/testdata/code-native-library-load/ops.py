import tensorflow as tf
import torch
import onnxruntime as ort
from torch.package import PackageImporter

# ruleid: code-native-library-load
ops = tf.load_op_library("./build/my_ops.so")
# ruleid: code-native-library-load
torch.ops.load_library(lib_path)
so = ort.SessionOptions()
# ruleid: code-native-library-load
so.register_custom_ops_library("libcustom.so")
# ruleid: code-native-library-load
imp = PackageImporter("model.pt")
# ok: code-native-library-load
sess = ort.InferenceSession("model.onnx", so)
# ok: code-native-library-load
x = torch.ops.aten.add(a, b)
# ok: code-native-library-load
y = tf.io.read_file("data.bin")
