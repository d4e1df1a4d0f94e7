package registry

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// loadDir parses the snapshots of a folder, one file a kind, named
// KIND.csv or KIND.jsonl; every row must be good.
func loadDir(t *testing.T, dir string) *Data {
	t.Helper()
	var snaps []Snapshot
	for _, k := range Kinds {
		for _, ext := range []string{".csv", ".jsonl"} {
			path := filepath.Join(dir, string(k)+ext)
			f, err := os.Open(path)
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			s, err := Parse(k, filepath.Base(path), f, UTF8)
			f.Close()
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			for _, r := range s.Rejected {
				t.Errorf("%s: %v", path, r)
			}
			snaps = append(snaps, *s)
		}
	}
	d, err := NewData(snaps...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// render writes alerts as the golden file holds them.
func render(res Result) string {
	var b strings.Builder
	for _, a := range res.Alerts {
		fmt.Fprintf(&b, "[%s] %s — %s %s", a.Rule, a.Title, a.Subject.Name, a.Subject.ID)
		if a.Project != "" {
			fmt.Fprintf(&b, " · %s", a.Project)
		}
		fmt.Fprintf(&b, "\n  %s\n  依据:", a.Explanation)
		for _, r := range a.Records {
			fmt.Fprintf(&b, " %s:%d", r.Source, r.Line)
		}
		if len(a.Cases) > 0 {
			fmt.Fprintf(&b, "\n  案件: %s", strings.Join(a.Cases, ", "))
		}
		b.WriteString("\n\n")
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(&b, "未运行 %s: 缺少 %v\n", s.Rule, s.Missing)
	}
	return b.String()
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

// The resettlement-housing project of 枫林村, from registry snapshots
// alone: flats went to people who do not live in the village or already
// own property elsewhere, and two township officials involved in the
// project hold shares in the construction company it paid — one
// directly, one through his wife. The rules flag exactly those, each
// explained, and nothing about the honest villagers, the company's boss,
// the official without shares, or another project paying the same
// company.
func TestResettlementStory(t *testing.T) {
	d := loadDir(t, "testdata/story")
	res := Check(d, nil, Options{})

	type flag struct {
		rule RuleID
		name string
	}
	want := []struct {
		flag
		says []string
	}{
		{flag{RuleOfficialShareholder, "赵建国"}, []string{"参与枫林村安置房项目", "审批了该项目的财政拨付2笔", "其本人持有青石建筑工程有限公司",
			"30%", "2020-04-01起", "收到财政拨付3笔，共12,600,000.00元"}},
		{flag{RuleOfficialShareholder, "孙立平"}, []string{"审批了该项目的财政拨付10笔", "周红梅", "是其配偶（户号 SQ-0208：孙立平为户主，周红梅为配偶）",
			"其配偶持有青石建筑工程有限公司", "40%", "2021-08-15起", "共12,600,000.00元"}},
		{flag{RulePayeeNotResident, "吴美兰"}, []string{"安置房 3幢301室", "户籍只登记在桃源村", "不在枫林村"}},
		{flag{RulePayeeNotResident, "刘强"}, []string{"安置房 3幢202室", "户籍登记中查无此人"}},
		{flag{RulePayeeNotResident, "郑丽"}, []string{"安置房 3幢302室", "已于2019-06-01迁出枫林村"}},
		{flag{RuleAllocateeOwnsProperty, "周海"}, []string{"安置房 3幢401室", "在枫林村以外已有房产", "县城阳光小区5幢301室", "2019-03-08以买卖方式"}},
	}
	if len(res.Alerts) != len(want) {
		t.Errorf("%d alerts, want %d:\n%s", len(res.Alerts), len(want), render(res))
	}
	for i, a := range res.Alerts {
		if i >= len(want) {
			break
		}
		w := want[i]
		if (flag{a.Rule, a.Subject.Name}) != w.flag {
			t.Errorf("alert %d is %s about %s, want %s about %s", i, a.Rule, a.Subject.Name, w.rule, w.name)
			continue
		}
		if a.Project != "枫林村安置房项目" || len(a.Records) == 0 {
			t.Errorf("%s: project %q, records %v", w.name, a.Project, a.Records)
		}
		for _, s := range w.says {
			if !strings.Contains(a.Explanation, s) {
				t.Errorf("%s (%s): explanation does not say %q:\n%s", w.name, a.Rule, s, a.Explanation)
			}
		}
		if !strings.Contains(a.Explanation, "规则：") {
			t.Errorf("%s: explanation does not state its rule", w.name)
		}
		for _, id := range []string{a.Subject.ID, "330523197412030629"} {
			if strings.Contains(a.Explanation, id) {
				t.Errorf("%s: explanation shows the full ID number %s", w.name, id)
			}
		}
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Rule != RuleDebtorAcquiresProperty {
		t.Errorf("skipped %v, want only the enforcement rule (no enforcement snapshot)", res.Skipped)
	}
	golden(t, "testdata/story/alerts.golden", render(res))
}
