package demo

import (
	"math/rand/v2"
	"strconv"
	"time"

	"jiefang/cases"
)

// A made-up county with its townships and villages. Every name is
// invented for the demo; any likeness to a real place is chance.
const countyName = "云岭县"

type township struct {
	name     string
	villages []string
}

var townships = []township{
	{"青石镇", []string{"东山村", "石桥村", "柳河村", "王家湾村", "杨柳村", "新塘村", "上坪村", "下坪村", "枫林村", "南冲村", "大路村", "竹园村"}},
	{"柳溪镇", []string{"溪口村", "花园村", "李家坝村", "荷塘村", "长岭村", "岩前村", "金鸡村", "桂花村", "茶园村"}},
	{"白沙镇", []string{"白沙村", "沙洲村", "河西村", "河东村", "三星村", "高桥村", "土桥村", "龙潭村", "新华村", "五里村"}},
	{"双桥乡", []string{"双桥村", "黄泥村", "松林村", "陈家冲村", "石门村", "水口村", "凤形村"}},
	{"马坪镇", []string{"马坪村", "大坪村", "杉木村", "洞口村", "板桥村", "中和村", "塘坊村", "羊角村"}},
	{"红岩乡", []string{"红岩村", "青山村", "田心村", "木瓜村", "梅子村", "牛角村"}},
}

// townWeights favour the first township, where the desk sits.
var townWeights = []int{30, 16, 16, 12, 14, 12}

// Region codes used in identity numbers: the county's own first, then
// neighbouring counties and the provinces many migrant workers come from.
var (
	homeRegions  = []string{"431121", "431121", "431121", "431122"}
	otherRegions = []string{"431123", "431102", "430524", "511623", "412726", "522127", "360732", "450881"}
)

var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余",
	"杜", "叶", "程", "魏", "吕", "丁", "任", "姚", "卢", "姜", "钟", "谭", "陆", "汪", "石", "廖", "贺", "龙", "邹", "雷",
	"欧阳", "易", "文", "阳", "伍",
}

var (
	maleGiven = []string{
		"建国", "卫东", "志强", "德明", "国庆", "春生", "永福", "海军", "长林", "小军", "明华", "金山", "红兵", "立新", "振华",
		"宝山", "伟", "勇", "强", "磊", "军", "斌", "刚", "平", "建华", "跃进", "新民", "光辉", "水生", "冬生", "桂生", "树林",
		"家富", "清明", "友良", "文斌", "俊杰", "浩", "宇", "子豪",
	}
	femaleGiven = []string{
		"桂兰", "秀英", "玉梅", "凤英", "春花", "秀兰", "淑芬", "丽华", "桂芳", "红梅", "翠花", "玉兰", "小燕", "静", "丽",
		"芳", "敏", "霞", "娟", "冬梅", "金莲", "满秀", "菊香", "兰英", "雪梅", "海燕", "晓红", "美玲", "婷", "欣怡",
	}
	groupNumerals = []string{"一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组", "九组", "十组", "十一组", "十二组"}
	firmNames     = []string{
		"宏达", "鑫源", "恒泰", "华盛", "永兴", "金鼎", "瑞丰", "众诚", "天成", "润泽", "盛隆", "佳和", "东升", "兴旺",
		"汇通", "广源", "顺发", "康达", "宏图", "嘉禾", "富民", "青云", "利民", "锦程", "三和", "德隆", "云峰", "新纪元",
	}
	firmPlaces  = []string{countyName, countyName, "江州市", "", "", ""}
	sides       = []string{"东", "南", "西", "北", "城东", "城南", "老街"}
	phases      = []string{"一", "二", "三", "四"}
	riverNames  = []string{"柳溪河", "白沙河", "清水河", "龙潭河", "杉木溪", "青石河"}
	shopNames   = []string{"金色年华", "欢乐时光", "老地方", "好再来", "聚友", "星光"}
	shopKinds   = []string{"KTV", "烧烤店", "音乐酒吧", "农家乐", "广场舞队"}
	hospitals   = []string{"县人民医院", "县中医医院", "江州市第一人民医院", "镇卫生院"}
	projectTpls = compileAll(
		"{镇}{方位}片区棚户区改造项目",
		"S{路号}省道{镇}段改扩建工程",
		"县道X{路号}线提质改造工程",
		"{镇}工业集中区{期}期",
		"{镇}集镇安置小区",
		"云岭县高铁站站前大道",
		"{村}高标准农田建设项目",
		"{镇}污水处理厂配套管网工程",
		"{镇}农贸市场改造项目",
		"{公司}风电场",
		"{镇}中心小学迁建工程",
		"云岭县城南新区{方位}环路",
		"{镇}{期}号物流园",
	)
)

// Staff of the desk over the five years: who was there when (as shares
// of the span), so that old cases carry the names of people since moved.
type staffer struct {
	name     string
	from, to float64
}

var (
	receptionists = []staffer{
		{"王敏", 0, 1}, {"陈志刚", 0, 0.62}, {"李晓燕", 0.18, 1}, {"赵建华", 0, 1},
		{"刘海波", 0.5, 1}, {"孙丽娟", 0, 0.4}, {"黄婷", 0.7, 1},
	}
	gridWorkers = []string{"张小红", "黄德明", "罗春燕", "谭光辉", "龙秀英"}
	supervisors = []staffer{{"周卫国", 0, 0.55}, {"邓雪梅", 0.55, 1}}
)

func pickStaff(r *rand.Rand, list []staffer, share float64) string {
	start := r.IntN(len(list))
	for i := range list {
		s := list[(start+i)%len(list)]
		if share >= s.from && share < s.to {
			return s.name
		}
	}
	return list[0].name
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

func pickWeighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// person is a made-up person with plausible personal data.
type person struct {
	name, id, phone string
	male            bool
}

func personName(r *rand.Rand, surname string, male bool) string {
	if surname == "" {
		surname = pick(r, surnames)
	}
	if male {
		return surname + pick(r, maleGiven)
	}
	return surname + pick(r, femaleGiven)
}

// newPerson makes a person aged between minAge and maxAge at t, from the
// county unless away says otherwise.
func newPerson(r *rand.Rand, t time.Time, minAge, maxAge int, away bool) person {
	male := r.IntN(100) < 58
	region := pick(r, homeRegions)
	if away {
		region = pick(r, otherRegions)
	}
	return person{
		name:  personName(r, "", male),
		id:    idNumber(r, region, t, minAge, maxAge, male),
		phone: mobile(r),
		male:  male,
	}
}

// idNumber makes an 18-character resident identity number: region, birth
// date, a sequence whose last digit is odd for men, and the GB 11643 check
// character.
func idNumber(r *rand.Rand, region string, t time.Time, minAge, maxAge int, male bool) string {
	age := minAge + r.IntN(maxAge-minAge+1)
	birth := time.Date(cases.Local(t).Year()-age, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365))
	b := make([]byte, 0, 18)
	b = append(b, region...)
	b = birth.AppendFormat(b, "20060102")
	b = append(b, byte('0'+r.IntN(10)), byte('0'+r.IntN(10))) // registration sequence
	sex := r.IntN(5) * 2
	if male {
		sex++
	}
	b = append(b, byte('0'+sex))
	b = append(b, cases.IDCheckChar(string(b)))
	return string(b)
}

var mobilePrefixes = []string{"13", "13", "13", "15", "15", "18", "18", "17", "19", "16"}

// mobile makes a mainland mobile number 1[3-9]xxxxxxxxx.
func mobile(r *rand.Rand) string {
	b := make([]byte, 0, 11)
	b = append(b, pick(r, mobilePrefixes)...)
	n := r.Uint64N(1_000_000_000)
	var d [9]byte
	for i := 8; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return string(append(b, d[:]...))
}

// company names a firm of one of the industries.
func company(r *rand.Rand, industries []string) string {
	if len(industries) == 0 {
		industries = []string{"建筑工程有限公司"}
	}
	return pick(r, firmPlaces) + pick(r, firmNames) + pick(r, industries)
}

func itoa(n int) string { return strconv.Itoa(n) }

// decimal renders tenths as "3.7" ("4" for whole numbers).
func decimal(tenths int) string {
	if tenths%10 == 0 {
		return itoa(tenths / 10)
	}
	return itoa(tenths/10) + "." + itoa(tenths%10)
}
