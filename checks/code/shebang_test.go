package code

import "testing"

func TestLangFromShebang(t *testing.T) {
	tests := []struct {
		path, head string
		want       lang
	}{
		{"bin/train", "#!/usr/bin/env python3\nimport torch\n", python},
		{"bin/train", "#!/usr/bin/python3.11 -u\n", python},
		{"bin/serve", "#!/usr/bin/env -S node --no-warnings\n", javascript},
		{"bin/run", "#!/bin/sh\n", langNone},
		{"notes.txt", "#!/usr/bin/env python3\n", langNone}, // has an extension: the name decides
		{"bin/train", "import torch\n", langNone},
	}
	for _, tt := range tests {
		if got := langFromShebang(tt.path, []byte(tt.head)); got != tt.want {
			t.Errorf("langFromShebang(%q, %q) = %v, want %v", tt.path, tt.head, got, tt.want)
		}
	}
}
