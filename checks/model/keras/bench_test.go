package keras

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// BenchmarkHDF5Model reads the root attributes of a Keras HDF5 file and
// walks its config.
func BenchmarkHDF5Model(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(fixtures, "keras_benign.h5"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		res, err := check{}.Scan(context.Background(), checks.NewBytesFile("model.h5", data))
		if err != nil || !res.Analysed || len(res.Findings) != 0 {
			b.Fatalf("unexpected result %+v %v", res, err)
		}
	}
}

// BenchmarkConfig5000Layers walks a functional config of 5,000 layers.
func BenchmarkConfig5000Layers(b *testing.B) {
	var layers []any
	for i := 0; i < 5000; i++ {
		layers = append(layers, map[string]any{"module": "keras.layers", "class_name": "Dense", "registered_name": nil,
			"config": map[string]any{"name": fmt.Sprintf("dense_%d", i), "units": 64, "activation": "relu",
				"kernel_initializer": map[string]any{"module": "keras.initializers", "class_name": "GlorotUniform", "config": map[string]any{"seed": nil}}}})
	}
	raw, _ := json.Marshal(map[string]any{"module": "keras", "class_name": "Functional", "config": map[string]any{"layers": layers}})
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		probs, err := AnalyseConfig(raw, "config.json")
		if err != nil || len(probs) != 0 {
			b.Fatalf("unexpected %v %v", probs, err)
		}
	}
}
