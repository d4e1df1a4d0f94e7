package subcommand

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestExitCodesAndMessages(t *testing.T) {
	cmds := map[string]Command[string]{
		"ok":    {"works", func(context.Context, string, []string) error { return nil }},
		"wrong": {"called wrongly", func(context.Context, string, []string) error { return UsageError("需要 --db") }},
		"fails": {"fails", func(context.Context, string, []string) error { return errors.New("disk full") }},
		"typed": {"fails with an explanation", func(context.Context, string, []string) error { return errTyped }},
	}
	tool := Tool{Name: "tool", Usage: "用法: tool COMMAND", Explain: func(err error) string {
		if errors.Is(err, errTyped) {
			return "数据库已损坏"
		}
		return ""
	}}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ok"}, 0, ""},
		{nil, 2, "用法: tool COMMAND"},
		{[]string{"nosuch"}, 2, "未知命令"},
		{[]string{"wrong"}, 2, "tool wrong: 需要 --db"},
		{[]string{"fails"}, 1, "tool fails: disk full"},
		{[]string{"typed"}, 1, "tool typed: 数据库已损坏\ntyped"},
	} {
		var stderr bytes.Buffer
		if code := Run(context.Background(), tool, cmds, "env", c.args, &stderr); code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, stderr.String(), c.code, c.want)
		}
	}
}

var errTyped = errors.New("typed")
