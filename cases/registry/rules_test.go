package registry

import (
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
)

// People and companies of the rule tests (valid check characters).
const (
	chen    = "330523196503120115" // 陈大山
	lin     = "330523195807210123" // 林秀英
	wang    = "330523197011020139" // 王福生
	liu     = "330523198204150153" // 刘强
	zhou    = "330523197606080317" // 周海
	zhao    = "330523196805200516" // 赵建国
	sun     = "33052319720814053X" // 孙立平
	hong    = "330523197412030629" // 周红梅
	huang   = "330523198809090755" // 黄志明
	qingshi = "91330523MA2B3C4D5M" // 青石建筑工程有限公司
	tea     = "91330523MA2E7F8G98" // 石桥茶业有限公司
)

// data parses rows (without header) for each kind given.
func data(t *testing.T, rows map[Kind][]string) *Data {
	t.Helper()
	var snaps []Snapshot
	for k, rs := range rows {
		text := strings.Join(k.Columns(), ",") + "\n" + strings.Join(rs, "\n") + "\n"
		s, err := Parse(k, string(k)+".csv", strings.NewReader(text), UTF8)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range s.Rejected {
			t.Fatalf("%s: %v", k, r)
		}
		snaps = append(snaps, *s)
	}
	d, err := NewData(snaps...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// alertsOf runs Check and keeps the alerts of one rule.
func alertsOf(d *Data, cs []CaseParties, opt Options, rule RuleID) []Alert {
	var out []Alert
	for _, a := range Check(d, cs, opt).Alerts {
		if a.Rule == rule {
			out = append(out, a)
		}
	}
	return out
}

func wantAlerts(t *testing.T, got []Alert, want ...[]string) {
	t.Helper()
	if len(got) != len(want) {
		var b strings.Builder
		for _, a := range got {
			b.WriteString("\n" + a.Subject.Name + ": " + a.Explanation)
		}
		t.Fatalf("%d alerts, want %d:%s", len(got), len(want), b.String())
	}
	for i, a := range got {
		for _, s := range want[i] {
			if !strings.Contains(a.Explanation, s) {
				t.Errorf("alert %d does not say %q:\n%s", i, s, a.Explanation)
			}
		}
	}
}

const compensation = "FL-BC-001,枫林村安置房项目,枫林村,compensation,person," + chen + ",陈大山,286000.00,2023-05-10,,,"

func TestTransferNearCompensation(t *testing.T) {
	d := data(t, map[Kind][]string{
		Fiscal: {compensation},
		RealEstate: {
			// sold 20 days before, to 黄志明
			"A1,person," + chen + ",陈大山,县城锦绣花园3幢502室,,purchase,2012-01-01,2023-04-20",
			"A2,person," + huang + ",黄志明,县城锦绣花园3幢502室,,purchase,2023-04-20,",
			// bought exactly 90 days after: still within the window
			"A3,person," + chen + ",陈大山,县城阳光小区1幢101室,,purchase,2023-08-08,",
			// 91 days after: outside
			"A4,person," + chen + ",陈大山,县城阳光小区1幢102室,,purchase,2023-08-09,",
			// inherited, and the resettlement flat: not changes the rule counts
			"A5,person," + chen + ",陈大山,枫林村13号,枫林村,inheritance,2023-05-01,",
			"A6,person," + chen + ",陈大山,枫林村安置小区3幢101室,枫林村,resettlement,2023-06-01,",
		},
	})
	got := alertsOf(d, nil, Options{}, RuleTransferNearCompensation)
	wantAlerts(t, got,
		[]string{"“县城锦绣花园3幢502室”（不动产权证号 A1）于2023-04-20从其名下转出，转给黄志明（身份证 330523********0755）",
			"征收补偿款 286,000.00元（2023-05-10，凭证 FL-BC-001）前20天", "90天内"},
		[]string{"“县城阳光小区1幢101室”（不动产权证号 A3）于2023-08-08以买卖方式登记到其名下", "后90天"},
	)
	if r := got[0].Records; len(r) != 2 || r[0].Kind != RealEstate || r[0].Line != 2 || r[1].Kind != Fiscal || r[1].Line != 2 {
		t.Errorf("records %v", r)
	}
	// A 30-day window leaves only the sale.
	wantAlerts(t, alertsOf(d, nil, Options{Window: 30}, RuleTransferNearCompensation), []string{"前20天", "30天内"})
}

func TestSubsidyAfterExit(t *testing.T) {
	d := data(t, map[Kind][]string{
		Household: {
			chen + ",陈大山,FL-0001,head,枫林村,deceased,2023-03-05",
			lin + ",林秀英,FL-0002,head,枫林村,moved_out,2023-01-31",
			// 王福生 moved within the registry, from 枫林村 to 桃源村
			wang + ",王福生,FL-0003,head,枫林村,moved_out,2022-06-30",
			wang + ",王福生,TY-0009,head,桃源村,resident,",
		},
		CivilAffairs: {
			chen + ",陈大山,枫林村,dibao,620.00,2023-03-05", // the day of death: not after
			chen + ",陈大山,枫林村,dibao,620.00,2023-04-10",
			chen + ",陈大山,枫林村,elderly,100.00,2023-05-10",
			lin + ",林秀英,枫林村,dibao,650.00,2023-01-10",
			lin + ",林秀英,枫林村,dibao,650.00,2023-02-10",
			wang + ",王福生,桃源村,dibao,600.00,2023-02-10", // paid where he lives
		},
	})
	got := alertsOf(d, nil, Options{}, RuleSubsidyAfterExit)
	wantAlerts(t, got,
		[]string{"林秀英", "户籍登记于2023-01-31迁出枫林村（户号 FL-0002），此后不在该村户籍，却仍在该村领取", "1笔，共650.00元（2023-02-10）"},
		[]string{"陈大山", "户籍登记于2023-03-05死亡（枫林村，户号 FL-0001），其后领取民政最低生活保障（低保）、高龄津贴2笔，共720.00元（2023-04-10至2023-05-10）"},
	)
	if n := len(got[1].Records); n != 3 {
		t.Errorf("records %v, want the household row and two payments", got[1].Records)
	}
}

const (
	gc1 = "FL-GC-001,枫林村安置房项目,枫林村,construction,company," + qingshi + ",青石建筑工程有限公司,4200000.00,2023-03-15,,"
	gc2 = "FL-GC-002,枫林村安置房项目,枫林村,construction,company," + qingshi + ",青石建筑工程有限公司,5600000.00,2023-07-20,,"
)

func TestOfficialShareholder(t *testing.T) {
	company := qingshi + ",青石建筑工程有限公司,active,2015-06-18," + huang + ",黄志明,"
	d := data(t, map[Kind][]string{
		Fiscal: {
			gc1 + zhao + ",赵建国", gc2 + ",",
			compensation,
			// another project paying 青石: 赵建国 is not involved in it
			"TY-GC-001,桃源村道路硬化项目,桃源村,construction,company," + qingshi + ",青石建筑工程有限公司,860000.00,2023-06-01,,,",
		},
		Business: {
			company + "person," + zhao + ",赵建国,30,2023-01-01,2023-05-01", // held for the first payment only
			company + "person," + sun + ",孙立平,10,2016-01-01,2019-12-31",  // sold before the project
			company + "person," + huang + ",黄志明,60,2015-06-18,",
		},
		Household: {
			// 赵建国 is his wife's household's spouse: the link runs both ways
			hong + ",周红梅,SQ-0301,head,石桥社区,resident,",
			zhao + ",赵建国,SQ-0301,spouse,石桥社区,resident,",
		},
	})
	got := alertsOf(d, nil, Options{}, RuleOfficialShareholder)
	wantAlerts(t, got, []string{"赵建国（身份证 330523********0516）参与枫林村安置房项目：审批了该项目的财政拨付1笔（凭证 FL-GC-001）",
		"30%的股份（工商登记，2023-01-01至2023-05-01）", "收到财政拨付1笔，共4,200,000.00元（2023-03-15，凭证 FL-GC-001）"})

	// 孙立平 is the respondent of a case whose petitioner was
	// compensated by the project: he is involved in it, but his
	// shares were sold before. 周红梅 holding shares makes her husband
	// 赵建国 conflicted twice over; 黄志明, the boss, is no official.
	d = data(t, map[Kind][]string{
		Fiscal: {gc1 + ",", gc2 + ",", compensation},
		Business: {
			company + "person," + hong + ",周红梅,40,2021-08-15,",
			company + "person," + sun + ",孙立平,10,2016-01-01,2019-12-31",
			company + "person," + huang + ",黄志明,50,2015-06-18,",
		},
		Household: {
			hong + ",周红梅,SQ-0301,head,石桥社区,resident,",
			zhao + ",赵建国,SQ-0301,spouse,石桥社区,resident,",
		},
	})
	cs := []CaseParties{{CaseID: uuid.New(), Number: "K7Q2-20240301-001", Parties: []cases.Party{
		{Role: cases.RolePetitioner, Name: "陈大山", IDNumber: chen},
		{Role: cases.RoleRespondent, Name: "赵建国", IDNumber: zhao},
		{Role: cases.RoleRespondent, Name: "孙立平", IDNumber: sun},
		{Role: cases.RoleRespondent, Name: "石桥镇人民政府"},
	}}, {CaseID: uuid.New(), Number: "K7Q2-20240302-001", Parties: []cases.Party{
		// a case touching no project: its respondent is not involved
		{Role: cases.RolePetitioner, Name: "刘强", IDNumber: liu},
		{Role: cases.RoleRespondent, Name: "黄志明", IDNumber: huang},
	}}}
	got = alertsOf(d, cs, Options{}, RuleOfficialShareholder)
	wantAlerts(t, got, []string{"赵建国（身份证 330523********0516）参与枫林村安置房项目：是案件 K7Q2-20240301-001 的被反映人",
		"户籍登记显示周红梅（身份证 330523********0629）是其配偶（户号 SQ-0301：赵建国为配偶，周红梅为户主），其配偶持有青石建筑工程有限公司",
		"收到财政拨付2笔，共9,800,000.00元"})
	if !reflect.DeepEqual(got[0].Cases, []string{"K7Q2-20240301-001"}) {
		t.Errorf("cases %v", got[0].Cases)
	}
	if got[0].Subject != (Subject{Person, zhao, "赵建国"}) {
		t.Errorf("subject %+v", got[0].Subject)
	}
}

func TestPayeeNotResident(t *testing.T) {
	d := data(t, map[Kind][]string{
		Fiscal: {
			compensation, // 陈大山 moved out after it: resident on the day
			"FL-BC-002,枫林村安置房项目,枫林村,compensation,person," + lin + ",林秀英,198500.00,2023-05-10,,,",
			"FL-AZ-002,枫林村安置房项目,枫林村,allocation,person," + lin + ",林秀英,0.00,2024-01-15,3幢102室,,",
		},
		Household: {
			chen + ",陈大山,FL-0001,head,枫林村,moved_out,2023-06-01",
			lin + ",林秀英,FL-0002,head,枫林村,deceased,2022-12-01",
		},
	})
	got := alertsOf(d, nil, Options{}, RulePayeeNotResident)
	wantAlerts(t, got, []string{"林秀英（身份证 330523********0123）在枫林村安置房项目中领取了征收补偿款 198,500.00元（2023-05-10，凭证 FL-BC-002）、安置房 3幢102室（2024-01-15，凭证 FL-AZ-002）",
		"户籍登记显示其已于2022-12-01死亡（枫林村户号 FL-0002）"})
}

func TestDebtorAcquiresProperty(t *testing.T) {
	d := data(t, map[Kind][]string{
		Enforcement: {
			"（2022）浙0523执1234号,青溪县人民法院,person," + liu + ",刘强,150000.00,2022-05-01,no_assets,2022-11-20",
			"（2021）浙0523执0100号,青溪县人民法院,person," + zhou + ",周海,30000.00,2021-01-05,satisfied,2021-06-30",
			"（2023）浙0523执0456号,青溪县人民法院,company," + tea + ",石桥茶业有限公司,52000.00,2023-02-10,open,",
		},
		RealEstate: {
			"B1,person," + liu + ",刘强,县城阳光小区2幢201室,,purchase,2023-04-01,",
			"B2,person," + liu + ",刘强,县城阳光小区2幢202室,,purchase,2022-04-30,",  // before the case
			"B3,person," + zhou + ",周海,县城阳光小区5幢301室,,purchase,2021-08-01,", // after paying
			"B4,person," + zhou + ",周海,县城阳光小区5幢302室,,purchase,2021-03-01,", // while owing
			"B5,company," + tea + ",石桥茶业有限公司,石桥镇茶园路1号,石桥社区,new_build,2023-02-10,",
		},
	})
	got := alertsOf(d, nil, Options{}, RuleDebtorAcquiresProperty)
	wantAlerts(t, got,
		[]string{"周海", "（2021）浙0523执0100号", "2021-06-30执行完毕", "2021-03-01以买卖方式取得"},
		[]string{"刘强（身份证 330523********0153）是（2022）浙0523执1234号（青溪县人民法院，执行标的150,000.00元，2022-05-01立案，2022-11-20终结本次执行（无可供执行财产））的被执行人，却于2023-04-01以买卖方式取得房产“县城阳光小区2幢201室”"},
		[]string{"石桥茶业有限公司（统一社会信用代码 91330523MA2E7F8G98）", "执行中", "首次登记（新建）"},
	)
}

func TestAllocateeOwnsProperty(t *testing.T) {
	alloc := func(v, id, name, flat string) string {
		return v + ",枫林村安置房项目,枫林村,allocation,person," + id + "," + name + ",0.00,2024-01-15," + flat + ",,"
	}
	d := data(t, map[Kind][]string{
		Fiscal: {
			alloc("AZ1", chen, "陈大山", "3幢101室"),
			alloc("AZ2", wang, "王福生", "3幢201室"),
			alloc("AZ3", zhou, "周海", "3幢401室"),
			alloc("AZ4", lin, "林秀英", "3幢102室"),
		},
		RealEstate: {
			"C1,person," + chen + ",陈大山,枫林村12号,枫林村,new_build,2008-04-10,",             // in the village
			"C2,person," + wang + ",王福生,县城锦绣花园3幢502室,,purchase,2010-09-01,2016-08-20", // sold before
			"C3,person," + zhou + ",周海,县城阳光小区5幢301室,,purchase,2019-03-08,",            // owned
			"C4,person," + zhou + ",周海,桃源村8号,桃源村,gift,2020-02-02,",                    // owned, in another village
			"C5,person," + lin + ",林秀英,县城阳光小区7幢101室,,purchase,2024-02-01,",            // bought after
			"C6,person," + lin + ",林秀英,桃源村安置小区1幢1室,桃源村,resettlement,2015-01-01,",      // a resettlement flat: not counted
		},
	})
	wantAlerts(t, alertsOf(d, nil, Options{}, RuleAllocateeOwnsProperty),
		[]string{"周海（身份证 330523********0317）在枫林村安置房项目中分得安置房 3幢401室（2024-01-15，凭证 AZ3）",
			"“县城阳光小区5幢301室”（不动产权证号 C3，2019-03-08以买卖方式登记到其名下）；“桃源村8号”（桃源村，不动产权证号 C4，2020-02-02以赠与方式登记到其名下）"})
}

// A rule whose registries are not all imported is reported as not run,
// never as finding nothing; the same data give the same alerts.
func TestSkippedAndDeterministic(t *testing.T) {
	d := data(t, map[Kind][]string{Fiscal: {compensation}, Household: {}})
	res := Check(d, nil, Options{})
	want := []Skipped{
		{RuleTransferNearCompensation, []Kind{RealEstate}},
		{RuleSubsidyAfterExit, []Kind{CivilAffairs}},
		{RuleOfficialShareholder, []Kind{Business}},
		{RuleDebtorAcquiresProperty, []Kind{Enforcement, RealEstate}},
		{RuleAllocateeOwnsProperty, []Kind{RealEstate}},
	}
	if !reflect.DeepEqual(res.Skipped, want) {
		t.Errorf("skipped %v, want %v", res.Skipped, want)
	}
	if len(res.Alerts) != 1 || res.Alerts[0].Rule != RulePayeeNotResident || !strings.Contains(res.Alerts[0].Explanation, "查无此人") {
		t.Errorf("alerts %+v", res.Alerts)
	}
	story := loadDir(t, "testdata/story")
	if a, b := Check(story, nil, Options{}), Check(story, nil, Options{}); !reflect.DeepEqual(a, b) {
		t.Error("two checks of the same data differ")
	}
}
