package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// parseArgs parses flags wherever they appear among the positional
// arguments (`ward scan src --format json`), as the tools people know do;
// everything after "--" is positional. It reports wantHelp for -h/--help
// so that help goes to stdout and exits 0.
func parseArgs(fl *flag.FlagSet, args []string) (positional []string, wantHelp bool, err error) {
	out := fl.Output()
	fl.SetOutput(io.Discard) // help is printed by the caller, errors below
	defer fl.SetOutput(out)
	for {
		if err := fl.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, true, nil
			}
			return nil, false, err
		}
		rest := fl.Args()
		if len(rest) == 0 {
			return positional, false, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(positional, rest...), false, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// usageError prints a flag error and the command's usage; exit status 2.
func usageError(fl *flag.FlagSet, stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "ward %s: %v\n", fl.Name(), err)
	fl.SetOutput(stderr)
	fl.Usage()
	return 2
}
