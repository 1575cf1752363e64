// Package all registers every check family; import it for its side effects.
package all

import (
	_ "github.com/ward-sec/ward/checks/code"                // source rules: model loading, LLM output, classic flaws
	_ "github.com/ward-sec/ward/checks/model"               // model artifacts: pickle, PyTorch, joblib, NumPy, archives
	_ "github.com/ward-sec/ward/checks/model/gguf"          // GGUF metadata and chat-template injection
	_ "github.com/ward-sec/ward/checks/model/keras"         // Keras HDF5 and .keras: Lambda, foreign modules, TFSMLayer
	_ "github.com/ward-sec/ward/checks/model/onnx"          // ONNX external data, custom operators, tensor sizes
	_ "github.com/ward-sec/ward/checks/model/safetensors"   // safetensors headers, offsets, hidden bytes
	_ "github.com/ward-sec/ward/checks/model/tfmodel"       // TensorFlow SavedModel / GraphDef ops
	_ "github.com/ward-sec/ward/checks/secrets"             // leaked AI-provider and other credentials, .env files
	_ "github.com/ward-sec/ward/checks/supplychain"         // binaries, dependencies, workflows, agent config
	_ "github.com/ward-sec/ward/checks/supplychain/actions" // GitHub Actions workflows and action metadata
	_ "github.com/ward-sec/ward/checks/supplychain/agent"   // hidden Unicode, MCP server configurations
	_ "github.com/ward-sec/ward/checks/supplychain/deps"    // dependency manifests and lock files
)
