// Package family builds the model-artifact checks: the model check and
// its sibling format checks (GGUF and Hugging Face configs, Keras, ONNX,
// safetensors, TensorFlow).
package family

import (
	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model"
	"github.com/ward-sec/ward/checks/model/gguf"
	"github.com/ward-sec/ward/checks/model/keras"
	"github.com/ward-sec/ward/checks/model/links"
	"github.com/ward-sec/ward/checks/model/onnx"
	"github.com/ward-sec/ward/checks/model/safetensors"
	"github.com/ward-sec/ward/checks/model/tfmodel"
)

// New returns the model checks. code, when not nil, is the source check
// the model check runs on modules inside archives (torch.package).
func New(code checks.Check) []checks.Check {
	set := []checks.Check{model.New(code)} // pickle, PyTorch, joblib, NumPy, archives
	set = append(set, gguf.NewChecks()...) // GGUF metadata, auto_map, chat-template injection
	return append(set,
		keras.New(),       // Keras HDF5 and .keras: Lambda, foreign modules, TFSMLayer
		onnx.New(),        // ONNX external data, custom operators, tensor sizes
		safetensors.New(), // safetensors headers, offsets, hidden bytes
		tfmodel.New(),     // TensorFlow SavedModel / GraphDef ops
		links.New(),       // committed symlinks leading out of the repository next to models
	)
}
