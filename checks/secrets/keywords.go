package secrets

// keywordIndex finds where any of a set of keywords ends in a text: an
// Aho-Corasick automaton compiled to a DFA over byte classes. Keywords use a
// few dozen distinct bytes, so a state's transitions take one int32 per class
// instead of one per byte value: about 300 KB for gitleaks' ~400 keywords,
// where a 256-wide table per state (the aho-corasick module gitleaks uses)
// takes 2 MB.
type keywordIndex struct {
	class  [256]uint16 // byte → class; 0 is every byte no keyword holds
	stride int         // classes per state
	next   []int32     // next[state*stride+class]: the state after that byte
	final  []bool      // a keyword (or a suffix of this state that is one) ends here
}

// newKeywordIndex compiles keywords (matched byte for byte; empty ones are
// ignored).
func newKeywordIndex(keywords []string) *keywordIndex {
	k := &keywordIndex{stride: 1}
	for _, w := range keywords {
		for i := 0; i < len(w); i++ {
			if k.class[w[i]] == 0 {
				k.class[w[i]] = uint16(k.stride)
				k.stride++
			}
		}
	}
	// The trie, then failure links breadth first, folded into next so that
	// matching never follows a failure link.
	const none = -1
	k.next = make([]int32, k.stride)
	for i := range k.next {
		k.next[i] = none
	}
	k.final = []bool{false}
	for _, w := range keywords {
		if w == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(w); i++ {
			at := int(s)*k.stride + int(k.class[w[i]])
			if k.next[at] == none {
				k.next[at] = int32(len(k.final))
				k.final = append(k.final, false)
				for range k.stride {
					k.next = append(k.next, none)
				}
			}
			s = k.next[at]
		}
		k.final[s] = true
	}
	fail := make([]int32, len(k.final))
	queue := make([]int32, 0, len(k.final))
	for c := 0; c < k.stride; c++ {
		if t := k.next[c]; t == none {
			k.next[c] = 0
		} else {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := fail[s]
		k.final[s] = k.final[s] || k.final[f]
		for c := 0; c < k.stride; c++ {
			at := int(s)*k.stride + c
			if t := k.next[at]; t == none {
				k.next[at] = k.next[int(f)*k.stride+c]
			} else {
				fail[t] = k.next[int(f)*k.stride+c]
				queue = append(queue, t)
			}
		}
	}
	return k
}

// each calls fn with the index of the last byte of every place where a
// keyword ends in text (once per position, however many keywords end there),
// until fn returns false.
func (k *keywordIndex) each(text []byte, fn func(end int) bool) {
	s := int32(0)
	for i, b := range text {
		s = k.next[int(s)*k.stride+int(k.class[b])]
		if k.final[s] && !fn(i) {
			return
		}
	}
}

// any reports whether a keyword occurs in text.
func (k *keywordIndex) any(text []byte) bool {
	found := false
	k.each(text, func(int) bool { found = true; return false })
	return found
}
