package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/registry"
	"jiefang/cases/store"
)

// The registry package's fixtures: good and bad files of each kind, and
// the resettlement story of 枫林村.
const (
	registryImports = "../../cases/registry/testdata/import"
	registryStory   = "../../cases/registry/testdata/story"
)

func TestRegistryImport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	code, out, errs := ctl(t, "registry", "import", "--db", db, "--kind", "household", filepath.Join(registryImports, "household.csv"))
	if code != 0 || !strings.Contains(out, "户籍 household：导入 6 行，拒绝 0 行（household.csv）") || errs != "" {
		t.Fatalf("good file: exit %d\n%s%s", code, out, errs)
	}

	// Bad rows: each on stderr with its file and line; the good rows
	// replace the snapshot before; exit 1.
	bad := filepath.Join(registryImports, "household_bad.csv")
	code, out, errs = ctl(t, "registry", "import", bad, "--db", db, "--kind", "household")
	if code != 1 {
		t.Errorf("bad rows: exit %d, want 1", code)
	}
	if !strings.Contains(out, "导入 2 行，拒绝 7 行（household_bad.csv）") || !strings.Contains(out, "替换了") || !strings.Contains(out, "导入的 6 行（household.csv）") {
		t.Errorf("bad rows: stdout %q", out)
	}
	for _, want := range []string{
		bad + ": 第3行：person_id “330523195807210124”：身份证号码校验位不正确",
		bad + ": 第5行：relation “wife”：不是允许的值",
		bad + ": 第6行：应有7列，实有5列",
		bad + ": 第7行：status_on “2022-3-5”：日期应为 YYYY-MM-DD",
		"7 行被拒绝（见上，已导入其余 2 行）",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("bad rows: stderr does not say %q:\n%s", want, errs)
		}
	}
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.RegistrySnapshot(context.Background(), registry.Household)
	s.Close()
	if err != nil || len(snap.Rows) != 2 || snap.Rows[0].Line != 2 || snap.Rows[1].Line != 10 {
		t.Fatalf("kept %+v, %v; want lines 2 and 10", snap, err)
	}

	// A wrong header refuses the file whole and keeps the snapshot.
	wrong := filepath.Join(t.TempDir(), "fiscal.csv")
	if err := os.WriteFile(wrong, []byte("person_id,name,household_no,relation,village,status,status_on\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = ctl(t, "registry", "import", "--db", db, "--kind", "fiscal", wrong)
	if code != 1 || out != "" || !strings.Contains(errs, "第1行：表头不对；缺少列 voucher_no") ||
		!strings.Contains(errs, "这是户籍（household）的表头：--kind 是否选错了？") || !strings.Contains(errs, "未导入，原有快照不变") {
		t.Errorf("wrong header: exit %d\n%s%s", code, out, errs)
	}

	// GBK needs --encoding gbk; without it the line is named.
	gbk := filepath.Join(t.TempDir(), "household-gbk.csv")
	if err := os.WriteFile(gbk, []byte("person_id,name,household_no,relation,village,status,status_on\n330523196503120115,\xb3\xc2\xb4\xf3\xc9\xbd,FL-0001,head,\xb7\xe3\xc1\xd6\xb4\xe5,resident,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = ctl(t, "registry", "import", "--db", db, "--kind", "household", gbk)
	if code != 1 || !strings.Contains(errs, "第2行起不是UTF-8编码") || !strings.Contains(errs, "--encoding gbk") {
		t.Errorf("GBK without --encoding: exit %d\n%s", code, errs)
	}
	code, out, errs = ctl(t, "registry", "import", "--db", db, "--kind", "household", "--encoding", "gbk", gbk)
	if code != 0 || !strings.Contains(out, "导入 1 行") {
		t.Errorf("GBK with --encoding gbk: exit %d\n%s%s", code, out, errs)
	}

	// No good row: nothing imported, exit 1.
	none := filepath.Join(t.TempDir(), "household.csv")
	if err := os.WriteFile(none, []byte("person_id,name,household_no,relation,village,status,status_on\n1,陈大山,FL-0001,head,枫林村,resident,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = ctl(t, "registry", "import", "--db", db, "--kind", "household", none)
	if code != 1 || !strings.Contains(errs, "第2行：person_id “1”：身份证号码应为18位") || !strings.Contains(errs, "没有合格的行，未导入，原有快照不变") {
		t.Errorf("no good row: exit %d\n%s", code, errs)
	}
}

func TestRegistryImportUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	file := filepath.Join(registryImports, "tax.csv")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"registry"}, 2, "需要子命令 import 或 check"},
		{[]string{"registry", "list"}, 2, "未知子命令"},
		{[]string{"registry", "import", "--db", db, file}, 2, "--kind 应为 realestate|socialsecurity|business|household|civilaffairs|tax|enforcement|fiscal 之一"},
		{[]string{"registry", "import", "--db", db, "--kind", "land", file}, 2, "--kind 应为"},
		{[]string{"registry", "import", "--db", db, "--kind", "tax"}, 2, "需要一个登记库文件"},
		{[]string{"registry", "import", "--db", db, "--kind", "tax", file, file}, 2, "需要一个登记库文件"},
		{[]string{"registry", "import", "--db", db, "--kind", "tax", "--encoding", "big5", file}, 2, `--encoding "big5"`},
		{[]string{"registry", "import", "--db", db, "--kind", "tax", "nosuch.csv"}, 1, "未导入 not imported: open nosuch.csv"},
		{[]string{"registry", "check", "--db", db, "--window", "0"}, 2, "--window 应为正整数"},
		{[]string{"registry", "import", "--db", db, "--kind", "tax", file}, 0, ""},
	} {
		code, _, errs := ctl(t, c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}

// storyDB imports the story's snapshots into a new database.
func storyDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "desk.db")
	files, err := filepath.Glob(filepath.Join(registryStory, "*.csv"))
	if err != nil || len(files) != 5 {
		t.Fatalf("story files %v %v", files, err)
	}
	for _, f := range files {
		kind := strings.TrimSuffix(filepath.Base(f), ".csv")
		if code, out, errs := ctl(t, "registry", "import", "--db", db, "--kind", kind, f); code != 0 {
			t.Fatalf("import %s: exit %d\n%s%s", f, code, out, errs)
		}
	}
	return db
}

func TestRegistryCheckJSON(t *testing.T) {
	db := storyDB(t)
	// A case about the project: its petitioner was allocated a flat,
	// 孙立平 is its respondent.
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.SetActor(ctx, "王芳"); err != nil {
		t.Fatal(err)
	}
	id := uuid.Must(uuid.NewV7())
	evs := []cases.Payload{
		&cases.Opened{Channel: cases.ChannelVisit, Category: "安置房分配", Summary: "安置房分给了不住在村里的人"},
		&cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RolePetitioner, Name: "陈大山", IDNumber: "330523196503120115", Village: "枫林村"},
		&cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RoleRespondent, Name: "孙立平", IDNumber: "33052319720814053X"},
	}
	var list []cases.Event
	for _, p := range evs {
		e, err := cases.NewEvent(id, p)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, e)
	}
	if _, err := s.Append(ctx, list...); err != nil {
		t.Fatal(err)
	}
	c, err := s.Case(ctx, id)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}

	code, out, errs := ctl(t, "registry", "check", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "未运行 not run: 被执行人欠款期间取得房产 (debtor_acquires_property)：缺少 法院执行 enforcement") ||
		!strings.Contains(errs, "税务 tax\t未导入 not imported") {
		t.Errorf("stderr %q", errs)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var a alertLine
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		got = append(got, string(a.Rule)+" "+a.Subject.Name+" "+a.Subject.ID)
		if a.Explanation == "" || len(a.Records) == 0 || a.Project != "枫林村安置房项目" {
			t.Errorf("alert %+v", a)
		}
		if a.Subject.Name == "孙立平" && (len(a.Cases) != 1 || a.Cases[0] != c.Number() || !strings.Contains(a.Explanation, "是案件 "+c.Number()+" 的被反映人")) {
			t.Errorf("孙立平's alert does not name the case %s: %+v", c.Number(), a)
		}
	}
	want := []string{
		"official_shareholder 赵建国 330523********0516",
		"official_shareholder 孙立平 330523********053X",
		"payee_not_resident 吴美兰 330523********0225",
		"payee_not_resident 刘强 330523********0153",
		"payee_not_resident 郑丽 330523********0244",
		"allocatee_owns_property 周海 330523********0317",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("alerts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	_, out, _ = ctl(t, "registry", "check", "--db", db, "--json", "--show-ids")
	if !strings.Contains(out, `"id":"330523198204150153","name":"刘强"`) {
		t.Errorf("--show-ids: %s", out)
	}
}

func TestRegistryCheckText(t *testing.T) {
	db := storyDB(t)
	code, out, errs := ctl(t, "registry", "check", "--db", db)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{
		"登记库 registries:\n  不动产登记 realestate\t8 行\trealestate.csv\t",
		"未运行 not run: 被执行人欠款期间取得房产",
		"\n1. [official_shareholder] 参与项目的公职人员持股受款公司 — 赵建国 330523********0516 · 枫林村安置房项目\n   赵建国（身份证 330523********0516）参与枫林村安置房项目",
		"依据 records: 财政拨付 fiscal.csv 第2、6、7行；工商注册 business.csv 第3行\n",
		"依据 records: 财政拨付 fiscal.csv 第2、3、4、5、6、7、8、9、10、11、12、13、14行；户籍 household.csv 第11、12行；工商注册 business.csv 第4行\n",
		"6. [allocatee_owns_property] 安置对象在别处已有房产 — 周海",
		"共 6 条异常 / 6 anomalies",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not say %q:\n%s", want, out)
		}
	}

	code, out, _ = ctl(t, "registry", "check", "--db", filepath.Join(t.TempDir(), "empty.db"))
	if code != 0 || !strings.Contains(out, "还没有导入任何登记库") {
		t.Errorf("empty database: exit %d %q", code, out)
	}
}
