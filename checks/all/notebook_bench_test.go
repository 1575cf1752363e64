package all_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/all"
)

// imageNotebook builds an nbformat-4 notebook of about size bytes the way
// Jupyter writes one after a diffusion or plotting run: a few code cells, each
// with a display_data output holding a large base64 PNG on one line, and a
// stream output. The image bytes are random (incompressible, like real PNG
// data), from a fixed seed.
func imageNotebook(size int) []byte {
	r := rand.New(rand.NewPCG(7, 11))
	type output map[string]any
	var cells []map[string]any
	for n := 0; n*700_000 < size; n++ {
		img := make([]byte, 512_000) // ~683 KB of base64
		for i := range img {
			img[i] = byte(r.IntN(256))
		}
		cells = append(cells, map[string]any{
			"cell_type": "code", "execution_count": n + 1, "metadata": map[string]any{},
			"source": []string{
				"from diffusers import StableDiffusionPipeline\n",
				fmt.Sprintf("image = pipe(prompt, num_inference_steps=%d).images[0]\n", 25+n),
				"image",
			},
			"outputs": []output{
				{"name": "stdout", "output_type": "stream", "text": []string{fmt.Sprintf("step %d done\n", n)}},
				{"output_type": "display_data", "metadata": map[string]any{},
					"data": map[string]any{"image/png": base64.StdEncoding.EncodeToString(img), "text/plain": []string{"<PIL.Image.Image image mode=RGB size=512x512>"}}},
			},
		})
	}
	nb := map[string]any{"cells": cells, "metadata": map[string]any{"kernelspec": map[string]any{"name": "python3"}},
		"nbformat": 4, "nbformat_minor": 5}
	b, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		panic(err)
	}
	return b
}

// BenchmarkNotebookImages runs every check on notebooks of 1.4 and 5.6 MB
// made mostly of embedded images. Linear scanning shows as the same MB/s at
// both sizes.
//
//	go test -run '^$' -bench NotebookImages -benchmem ./checks/all/
func BenchmarkNotebookImages(b *testing.B) {
	for _, size := range []int{1_400_000, 5_600_000} {
		nb := imageNotebook(size)
		b.Run(fmt.Sprintf("%.1fMB", float64(len(nb))/1e6), func(b *testing.B) {
			set := all.Default()
			b.SetBytes(int64(len(nb)))
			b.ReportAllocs()
			for range b.N {
				f := checks.NewBytesFile("examples/diffusion.ipynb", nb)
				for _, fd := range checks.ScanFile(context.Background(), f, set) {
					b.Fatalf("unexpected finding on a benign notebook: %s %s", fd.RuleID, fd.Message)
				}
			}
		})
	}
}
