// Package subcommand runs the subcommands of the project's command-line
// tools: it picks one by the first argument, prints the usage, and turns
// what the subcommand returns into a message and an exit code (0 done,
// 1 failed, 2 called wrongly).
package subcommand

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
)

// Command is one subcommand, run with the tool's environment E.
type Command[E any] struct {
	Summary string
	Run     func(ctx context.Context, env E, args []string) error
}

// UsageError is a mistake in how a subcommand was called (exit 2).
type UsageError string

func (e UsageError) Error() string { return string(e) }

// Tool describes a command-line tool.
type Tool struct {
	Name   string // e.g. "jiefangctl"
	Usage  string // the first usage line
	Footer string // printed after the list of subcommands, if any
	// Explain may return a message for the user to print before an error
	// (a Chinese explanation of a typed error); "" for none.
	Explain func(error) string
}

// Run runs the subcommand args[0] of cmds and returns the exit code.
func Run[E any](ctx context.Context, t Tool, cmds map[string]Command[E], env E, args []string, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, t, cmds)
		return 2
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "%s: 未知命令 %q (unknown command)\n", t.Name, args[0])
		usage(stderr, t, cmds)
		return 2
	}
	err := c.Run(ctx, env, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 2
	case errors.As(err, new(UsageError)):
		fmt.Fprintf(stderr, "%s %s: %v\n", t.Name, args[0], err)
		return 2
	}
	if t.Explain != nil {
		if msg := t.Explain(err); msg != "" {
			fmt.Fprintf(stderr, "%s %s: %s\n%v\n", t.Name, args[0], msg, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "%s %s: %v\n", t.Name, args[0], err)
	return 1
}

func usage[E any](w io.Writer, t Tool, cmds map[string]Command[E]) {
	fmt.Fprintln(w, t.Usage)
	names := make([]string, 0, len(cmds))
	width := 0
	for n := range cmds {
		names = append(names, n)
		width = max(width, len(n))
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-*s %s\n", width, n, cmds[n].Summary)
	}
	if t.Footer != "" {
		fmt.Fprintln(w, t.Footer)
	}
}
