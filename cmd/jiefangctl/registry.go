package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"jiefang/cases"
	"jiefang/cases/registry"
	"jiefang/cases/store"
)

// runRegistry imports registry snapshots and runs the depth screening:
//
//	jiefangctl registry import --db PATH --kind KIND [--encoding utf-8|gbk] FILE
//	jiefangctl registry check  --db PATH [--json] [--window DAYS] [--show-ids]
func runRegistry(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError("需要子命令 import 或 check (registry import|check)")
	}
	switch args[0] {
	case "import":
		return registryImport(ctx, e, args[1:])
	case "check":
		return registryCheck(ctx, e, args[1:])
	}
	return usageError(fmt.Sprintf("未知子命令 %q：应为 import 或 check", args[0]))
}

func kindNames() string {
	names := make([]string, len(registry.Kinds))
	for i, k := range registry.Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, "|")
}

// registryImport validates a snapshot file row by row and stores its good
// rows in place of the kind's previous snapshot. Bad rows are listed on
// stderr with their lines, and make the command fail (exit 1) after the
// good rows are in.
func registryImport(ctx context.Context, e env, args []string) error {
	fs, db := flags("registry import", e)
	kind := fs.String("kind", "", "登记库 / the registry: "+kindNames())
	encoding := fs.String("encoding", "utf-8", "文件编码 / the file's encoding: utf-8 or gbk (Excel \"CSV\" on Chinese Windows)")
	// The file may stand before, between or after the flags.
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return flagError(err)
		}
		rest = fs.Args()
		i := 0
		for i < len(rest) && !strings.HasPrefix(rest[i], "-") {
			i++
		}
		files = append(files, rest[:i]...)
		if rest = rest[i:]; len(rest) == 0 {
			break
		}
	}
	if len(files) != 1 {
		return usageError("需要一个登记库文件：registry import --db PATH --kind KIND FILE (one CSV or JSON-lines file)")
	}
	k := registry.Kind(strings.TrimSpace(*kind))
	if !k.Valid() {
		return usageError(fmt.Sprintf("--kind 应为 %s 之一 (the registry of the file)", kindNames()))
	}
	var enc registry.Encoding
	switch strings.ToLower(strings.TrimSpace(*encoding)) {
	case "utf-8", "utf8":
		enc = registry.UTF8
	case "gbk", "gb18030", "gb2312":
		enc = registry.GBK
	default:
		return usageError(fmt.Sprintf("--encoding %q：应为 utf-8 或 gbk", *encoding))
	}
	path := files[0]
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("未导入 not imported: %w", err)
	}
	snap, err := registry.Parse(k, filepath.Base(path), f, enc)
	f.Close()
	if fe, ok := errors.AsType[*registry.FileError](err); ok {
		return fmt.Errorf("%s: %v\n未导入，原有快照不变 / not imported: the file is refused whole", path, fe)
	}
	if err != nil {
		return fmt.Errorf("未导入 not imported: %s: %w", path, err)
	}
	for _, r := range snap.Rejected {
		fmt.Fprintf(e.stderr, "%s: %v\n", path, r)
	}
	label := fmt.Sprintf("%s %s", k.Label(), k)
	if len(snap.Rows) == 0 {
		return fmt.Errorf("%s：%s 没有合格的行，未导入，原有快照不变 / no good rows in %s: nothing imported", label, path, path)
	}
	s, err := open(e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	prev, err := s.ImportRegistry(ctx, snap)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s：导入 %d 行，拒绝 %d 行（%s）/ imported %d rows, rejected %d", label, len(snap.Rows), len(snap.Rejected),
		snap.Source, len(snap.Rows), len(snap.Rejected))
	if prev != nil {
		line += fmt.Sprintf("；替换了 %s 导入的 %d 行（%s）/ replacing the snapshot of %s",
			cases.Local(prev.ImportedAt).Format("2006-01-02 15:04"), prev.Rows, prev.Source, cases.Local(prev.ImportedAt).Format("2006-01-02"))
	}
	fmt.Fprintln(e.stdout, line)
	if n := len(snap.Rejected); n > 0 {
		return fmt.Errorf("%d 行被拒绝（见上，已导入其余 %d 行）/ %d rows rejected, the other %d imported", n, len(snap.Rows), n, len(snap.Rows))
	}
	return nil
}

// alertLine is one line of `jiefangctl registry check --json`.
type alertLine struct {
	Rule        registry.RuleID  `json:"rule"`
	Title       string           `json:"title"`
	Subject     registry.Subject `json:"subject"`
	Project     string           `json:"project,omitempty"`
	Explanation string           `json:"explanation"`
	Records     []registry.Ref   `json:"records"`
	Cases       []string         `json:"cases,omitempty"`
}

// registryCheck runs the rules over the imported snapshots and the cases,
// and prints the anomalies, each with its explanation and the records it
// rests on. Finding anomalies is not a failure: the exit code is 0.
func registryCheck(ctx context.Context, e env, args []string) error {
	fs, db := flags("registry check", e)
	asJSON := fs.Bool("json", false, "每行一个 JSON 对象 / one JSON object per anomaly per line")
	window := fs.Int("window", registry.DefaultWindow, "补偿安置前后多少天内的房产变动算“前后” / days around a compensation that count as shortly before or after")
	showIDs := fs.Bool("show-ids", false, "显示完整身份证号码（需有权限）/ print full ID numbers (masked by default)")
	if err := parse(fs, args); err != nil {
		return flagError(err)
	}
	if *window <= 0 {
		return usageError("--window 应为正整数（天）")
	}
	s, err := open(e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	snaps, err := s.RegistrySnapshots(ctx)
	if err != nil {
		return err
	}
	res, err := registry.Run(ctx, s, registry.Options{Window: *window})
	if err != nil {
		return err
	}
	// The registries and the rules not run go to stdout as a header, or
	// to stderr beside JSON.
	notes := e.stdout
	if *asJSON {
		notes = e.stderr
	}
	if len(snaps) == 0 {
		fmt.Fprintln(notes, "还没有导入任何登记库，没有可核查的数据。导入：jiefangctl registry import --db PATH --kind KIND FILE / no registry imported")
		return nil
	}
	imported := map[registry.Kind]store.RegistrySnapshot{}
	for _, sn := range snaps {
		imported[sn.Kind] = sn
	}
	fmt.Fprintln(notes, "登记库 registries:")
	for _, k := range registry.Kinds {
		sn, ok := imported[k]
		if !ok {
			fmt.Fprintf(notes, "  %s %s\t未导入 not imported\n", k.Label(), k)
			continue
		}
		fmt.Fprintf(notes, "  %s %s\t%d 行\t%s\t%s 导入\n", k.Label(), k, sn.Rows, sn.Source, cases.Local(sn.ImportedAt).Format("2006-01-02 15:04"))
	}
	for _, sk := range res.Skipped {
		var missing []string
		for _, k := range sk.Missing {
			missing = append(missing, k.Label()+" "+string(k))
		}
		fmt.Fprintf(notes, "未运行 not run: %s (%s)：缺少 %s\n", ruleTitle(sk.Rule), sk.Rule, strings.Join(missing, "、"))
	}
	subject := func(sub registry.Subject) registry.Subject {
		if !*showIDs && sub.Type == registry.Person {
			sub.ID = cases.MaskIDNumber(sub.ID)
		}
		return sub
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, a := range res.Alerts {
			if err := enc.Encode(alertLine{Rule: a.Rule, Title: a.Title, Subject: subject(a.Subject), Project: a.Project,
				Explanation: a.Explanation, Records: a.Records, Cases: a.Cases}); err != nil {
				return err
			}
		}
		return nil
	}
	for i, a := range res.Alerts {
		sub := subject(a.Subject)
		fmt.Fprintf(e.stdout, "\n%d. [%s] %s — %s %s", i+1, a.Rule, a.Title, sub.Name, sub.ID)
		if a.Project != "" {
			fmt.Fprintf(e.stdout, " · %s", a.Project)
		}
		fmt.Fprintf(e.stdout, "\n   %s\n", a.Explanation)
		fmt.Fprintf(e.stdout, "   依据 records: %s\n", refList(a.Records))
		if len(a.Cases) > 0 {
			fmt.Fprintf(e.stdout, "   案件 cases: %s\n", strings.Join(a.Cases, "、"))
		}
	}
	fmt.Fprintf(e.stdout, "\n共 %d 条异常 / %d anomalies\n", len(res.Alerts), len(res.Alerts))
	return nil
}

func ruleTitle(id registry.RuleID) string {
	for _, r := range registry.Rules {
		if r.ID == id {
			return r.Title
		}
	}
	return string(id)
}

// refList writes records grouped by file, lines in order:
// 财政拨付 fiscal.csv 第2、6、7行；工商注册 business.csv 第3行.
func refList(refs []registry.Ref) string {
	type file struct {
		kind   registry.Kind
		source string
	}
	var order []file
	lines := map[file][]int{}
	for _, r := range refs {
		f := file{r.Kind, r.Source}
		if lines[f] == nil {
			order = append(order, f)
		}
		if !slices.Contains(lines[f], r.Line) {
			lines[f] = append(lines[f], r.Line)
		}
	}
	parts := make([]string, len(order))
	for i, f := range order {
		ls := lines[f]
		slices.Sort(ls)
		nums := make([]string, len(ls))
		for j, l := range ls {
			nums[j] = strconv.Itoa(l)
		}
		parts[i] = fmt.Sprintf("%s %s 第%s行", f.kind.Label(), f.source, strings.Join(nums, "、"))
	}
	return strings.Join(parts, "；")
}
