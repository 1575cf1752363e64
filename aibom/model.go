package aibom

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks/model/pickle"
)

// modelFormat is a model serialisation format and whether loading a file
// in it can run code.
type modelFormat struct {
	Name       string
	CanRunCode bool
	Why        string // why it can (or cannot) run code
}

var (
	fmtPickle      = modelFormat{"pickle", true, "unpickling calls any importable function the file names"}
	fmtJoblib      = modelFormat{"joblib", true, "joblib files are pickles: loading one calls any function it names"}
	fmtTorchZip    = modelFormat{"PyTorch (zip)", true, "torch.load unpickles data.pkl unless weights_only=True"}
	fmtTorchLegacy = modelFormat{"PyTorch (legacy pickle)", true, "torch.load unpickles the file unless weights_only=True"}
	fmtNpy         = modelFormat{"NumPy .npy", true, "object arrays are pickled and run code with allow_pickle=True"}
	fmtNpz         = modelFormat{"NumPy .npz", true, "object arrays are pickled and run code with allow_pickle=True"}
	fmtKerasH5     = modelFormat{"Keras HDF5", true, "Lambda layers carry Python bytecode that runs when the model is built"}
	fmtKerasV3     = modelFormat{"Keras v3 (.keras)", true, "Lambda layers and custom objects run code unless safe_mode is kept on"}
	fmtSavedModel  = modelFormat{"TensorFlow SavedModel", true, "graph operations can read and write files when the graph runs"}
	fmtGGUF        = modelFormat{"GGUF", false, "tensors and metadata only (its chat template is rendered, not executed)"}
	fmtSafetensors = modelFormat{"safetensors", false, "a JSON header and raw tensors: nothing to execute"}
	fmtONNX        = modelFormat{"ONNX", false, "a graph of standard operators (custom operators need a library the loader provides)"}
	fmtTFLite      = modelFormat{"TensorFlow Lite", false, "a flatbuffer of built-in operators"}
)

// headSize is how much of a file classification reads.
const headSize = 4096

// classify recognises a model file by its content (and, where content is
// ambiguous, its name). ok is false for anything else.
func classify(p string, r io.ReaderAt, size int64) (modelFormat, bool) {
	head := make([]byte, min(size, headSize))
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	name := strings.ToLower(path.Base(p))
	ext := path.Ext(name)
	switch {
	case bytes.HasPrefix(head, []byte("GGUF")):
		return fmtGGUF, true
	case bytes.HasPrefix(head, []byte("\x89HDF\r\n\x1a\n")):
		if ext == ".h5" || ext == ".hdf5" || ext == ".keras" {
			return fmtKerasH5, true
		}
		return modelFormat{}, false // HDF5 data that is not a model
	case bytes.HasPrefix(head, []byte("\x93NUMPY")):
		return fmtNpy, true
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return classifyZip(ext, r, size)
	case len(head) >= 8 && string(head[4:8]) == "TFL3":
		return fmtTFLite, true
	case looksSafetensors(head, size):
		return fmtSafetensors, true
	case pickle.LooksLikePickle(head) && (len(head) > 0 && head[0] == 0x80 || modelExt[ext]):
		switch ext {
		case ".joblib":
			return fmtJoblib, true
		case ".pt", ".pth", ".bin", ".ckpt":
			return fmtTorchLegacy, true
		}
		return fmtPickle, true
	case ext == ".onnx":
		return fmtONNX, true
	case name == "saved_model.pb":
		return fmtSavedModel, true
	}
	return modelFormat{}, false
}

// modelExt are names whose content is a model even when it starts with
// bytes that are ambiguous on their own (a protocol 0 pickle).
var modelExt = map[string]bool{".pkl": true, ".pickle": true, ".joblib": true, ".pt": true, ".pth": true, ".bin": true, ".ckpt": true}

// maxZipEntries bounds the central directory read to classify a zip.
const maxZipEntries = 100_000

func classifyZip(ext string, r io.ReaderAt, size int64) (modelFormat, bool) {
	zr, err := zip.NewReader(r, size)
	if err != nil || len(zr.File) > maxZipEntries {
		if modelExt[ext] {
			return fmtTorchZip, true
		}
		return modelFormat{}, false
	}
	var npy, hasConfig, hasWeights int
	for _, f := range zr.File {
		n := f.Name
		switch {
		case n == "data.pkl" || strings.HasSuffix(n, "/data.pkl"):
			return fmtTorchZip, true
		case strings.HasSuffix(n, ".npy"):
			npy++
		case n == "config.json":
			hasConfig++
		case n == "model.weights.h5":
			hasWeights++
		}
	}
	switch {
	case hasConfig > 0 && hasWeights > 0 || ext == ".keras" && hasConfig > 0:
		return fmtKerasV3, true
	case npy > 0 && npy == len(zr.File):
		return fmtNpz, true
	}
	return modelFormat{}, false
}

// looksSafetensors: an 8-byte little-endian header length that fits the
// file, then a JSON object.
func looksSafetensors(head []byte, size int64) bool {
	if len(head) < 10 {
		return false
	}
	n := binary.LittleEndian.Uint64(head[:8])
	return n >= 2 && n <= uint64(size-8) && head[8] == '{'
}
