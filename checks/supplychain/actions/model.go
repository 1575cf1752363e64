package actions

// The rules work on this small model of a workflow or composite action,
// built from actionlint's typed tree (workflows) or from YAML nodes
// (action.yml), so that both share one implementation of every rule.

// text is a string value with the position of its first character.
type text struct {
	Value string
	Line  int
	// Block is true for YAML block scalars ("run: |"), whose content starts
	// on the line after Line.
	Block bool
}

// lineOf returns the source line of byte offset i within the value.
func (t text) lineOf(i int) int {
	n := t.Line
	if t.Block {
		n++
	}
	for j := 0; j < i && j < len(t.Value); j++ {
		if t.Value[j] == '\n' {
			n++
		}
	}
	return n
}

type step struct {
	ID     string // id:, for steps.<id>.outputs
	Line   int
	Uses   *text
	Run    *text
	RunKey int // line of the "run:" key, for suggestions
	Indent int // column of the step's keys (0-based), for suggestions
	HasEnv bool
	With   map[string]*text // keys lower-cased
	Env    map[string]*text
}

type job struct {
	ID          string
	Line        int
	Steps       []*step
	Permissions *permissions
	Images      []*text // container and service images
	CallUses    *text   // reusable workflow call
	Inherit     *text   // "secrets: inherit"
	Env         map[string]*text
	Outputs     map[string]*text // outputs: of the job, for needs.<job>.outputs
}

type permissions struct {
	All    *text            // "write-all", "read-all", ...
	Scopes map[string]*text // scope → "write" / "read" / "none"
	Line   int
}

type trigger struct {
	Name string
	Line int
	Tags bool // push with a tags filter
}

type workflow struct {
	Path        string
	Action      bool // action.yml rather than a workflow
	Name        string
	Triggers    []trigger
	Permissions *permissions
	Jobs        []*job
	Env         map[string]*text
	ActionImage *text // runs.image of a Docker action
}

func (w *workflow) hasTrigger(names ...string) (trigger, bool) {
	for _, t := range w.Triggers {
		for _, n := range names {
			if t.Name == n {
				return t, true
			}
		}
	}
	return trigger{}, false
}
