package triage

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"jiefang/cases"
)

// devSet is the labelled dev set shared with the other tools.
const devSet = "../../../shared/eval/complaints-dev.jsonl"

type labelled struct {
	ID    string               `json:"id"`
	Text  string               `json:"text"`
	Level cases.IntensityLevel `json:"level"`
}

func readDev(tb testing.TB) []labelled {
	tb.Helper()
	f, err := os.Open(devSet)
	if os.IsNotExist(err) {
		tb.Skipf("%s is absent", devSet)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			tb.Fatalf("%s:%d: %v", devSet, n, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// Our own texts, written by us and none taken from the dev set, guard
// against fitting the word lists to the dev sentences: paraphrases,
// negations, conditionals, calm collective complaints, long grievances
// without threats, veiled threats, plain questions. They came in five
// batches; each was first scored before any word was added for it, and
// the first scores (accuracy, red recall) are noted: they are what the
// lists made of texts they had never seen.

// heldOut was written with the first word lists (first run 0.84, 0.92).
var heldOut = []labelled{
	// red
	{"h01", "我把话撂这儿，这个月底前钱不到账，我就一把火把他家厂房点了。", cases.IntensityRed},
	{"h02", "拆我房子那天我就吊死在房梁上，遗书我都写好了。", cases.IntensityRed},
	{"h03", "我们村二百多号人已经约好了，后天一早去县政府门口静坐，不给答复就不走。", cases.IntensityRed},
	{"h04", "你们再踢皮球，出了什么事你们自己负责。", cases.IntensityRed},
	{"h05", "工钱再拖着不给，我们几十个工友就去把工地大门堵死，看他们还开不开工。", cases.IntensityRed},
	{"h06", "我已经没什么好怕的了，大不了跟他们同归于尽。", cases.IntensityRed},
	{"h07", "这日子没法过了，我真想从县政府楼顶跳下去一了百了。", cases.IntensityRed},
	{"h08", "欠款的事要是再没人管，我就带上材料直接进京，到国家信访局去告。", cases.IntensityRed},
	{"h09", "三百多户业主联名写了材料，已经联系了电视台记者，下周就去省政府讨说法。", cases.IntensityRed},
	{"h10", "话我说到这里，后果自负，别怪我到时候不客气。", cases.IntensityRed},
	{"h11", "谁再敢来拆我家的墙，我就拿刀跟他拼了。", cases.IntensityRed},
	{"h12", "我们的补偿款被镇上挪用了，全组四十多户都按了手印，准备下个月一起去市里上访。", cases.IntensityRed},
	{"h13", "他们要是敢强拆，我就躺在推土机前面，让他们从我身上轧过去。", cases.IntensityRed},
	// amber
	{"h14", "我们二十多户的土地流转费拖了一年多没发，村里一直说没钱，希望镇里帮我们催一催。", cases.IntensityAmber},
	{"h15", "这件事我反映了整整六年，来了不下二十次，每次都让回去等通知。", cases.IntensityAmber},
	{"h16", "邻居家的狗天天半夜叫，说了好多次都不听，我们全家都睡不好觉，太欺负人了。", cases.IntensityAmber},
	{"h17", "开发商交房时承诺的学区根本没兑现，一百多户业主都很气愤，我们想请政府出面协调。", cases.IntensityAmber},
	{"h18", "医院收了钱不开发票，问了三回都说系统坏了，这不是明摆着糊弄人吗？", cases.IntensityAmber},
	{"h19", "单位把我辞退了，赔偿一分没给，劳动仲裁也拖了半年，我实在想不通。", cases.IntensityAmber},
	{"h20", "家里的承包地被邻村人占了五年，找村里、找镇里都说不归他们管。", cases.IntensityAmber},
	{"h21", "老房子漏雨好几年了，危房改造的名额年年轮不到我们家，村干部的亲戚倒是年年有份。", cases.IntensityAmber},
	{"h22", "我不会去闹，也不会去北京，我就是想要一个公道。", cases.IntensityAmber},
	{"h23", "公司欠了三个月工资，老板说再闹就开除我，我真不知道该怎么办了。", cases.IntensityAmber},
	{"h24", "我们小区十几户人家联名反映过好几次噪音问题，希望这次能有个结果。", cases.IntensityAmber},
	{"h25", "我不是来闹事的，也没想过去省里，可这笔钱拖了三年，总得有人管吧。", cases.IntensityAmber},
	{"h26", "村里修路占了我家两分地，说好的补偿到现在还没给，问村干部就说等等。", cases.IntensityAmber},
	// green
	{"h27", "请问独生子女父母奖励扶助金每年什么时候发放？", cases.IntensityGreen},
	{"h28", "我想办一下残疾证，需要带什么证件，去哪个部门？", cases.IntensityGreen},
	{"h29", "感谢镇里帮我们村修好了水渠，今年浇地方便多了。", cases.IntensityGreen},
	{"h30", "建议在集市附近多设几个垃圾桶，赶集的时候垃圾太多。", cases.IntensityGreen},
	{"h31", "我们村集体经济合作社想开个证明，请问找哪个部门？", cases.IntensityGreen},
	{"h32", "听说有人因为征地去北京上访被劝返了，我想问问我们这次征地的补偿标准是多少。", cases.IntensityGreen},
	{"h33", "以前我也想过去省里反映，后来镇里给解决了，今天是来送锦旗的。", cases.IntensityGreen},
	{"h34", "孩子的医保卡丢了，补办需要本人到场吗？", cases.IntensityGreen},
	{"h35", "请问农村建房审批现在是在乡镇办还是要到县里？", cases.IntensityGreen},
	{"h36", "我家的低保年审材料已经交了，想确认一下有没有问题。", cases.IntensityGreen},
	{"h37", "如果再不修这段路，孩子们上学还得踩着泥走，请领导重视一下。", cases.IntensityGreen},
	{"h38", "我们几户人家想一起申请通自来水，需要走什么程序？", cases.IntensityGreen},
}

// freshTexts (first run 0.62, 0.43: the lists then lacked synonyms).
var freshTexts = []labelled{
	{"f01", "他们再不把钱退回来，我就去县政府门口把自己点了。", cases.IntensityRed},
	{"f02", "我们几个村的人商量好了，下礼拜一起把进村的路封了，不让施工队进来。", cases.IntensityRed},
	{"f03", "这事要是处理不公，我一定去北京，天安门广场我也去。", cases.IntensityRed},
	{"f04", "我家老头子已经写好遗书了，说你们不管他就喝药。", cases.IntensityRed},
	{"f05", "谁要是再敢来我家量地，我就用锄头砸烂他的车。", cases.IntensityRed},
	{"f06", "你们这样拖着不办，真要出了人命可别说我没提醒过。", cases.IntensityRed},
	{"f07", "我哥说了，这次再不赔钱，他要带上汽油去老板家。", cases.IntensityRed},
	{"f08", "我们五十多户村民对村委会的账目有疑问，要求公开财务，已经提了好几次都没回音。", cases.IntensityAmber},
	{"f09", "土地确权把我家的地少登了一亩，找了国土所三次，一直让等。", cases.IntensityAmber},
	{"f10", "这个判决执行了四年都没有结果，我一个老太婆还能活几年？", cases.IntensityAmber},
	{"f11", "物业公司把小区绿地改成停车位收费，业主们都很不满，希望政府查一查。", cases.IntensityAmber},
	{"f12", "工伤认定申请交上去大半年了，人社局一直没给答复，我腿断了没法干活，家里快揭不开锅了。", cases.IntensityAmber},
	{"f13", "我不想把事情闹大，只要把拖欠的八千块钱还给我就行。", cases.IntensityAmber},
	{"f14", "新闻上说隔壁乡给每户补了五万，凭什么我们只补两万？", cases.IntensityAmber},
	{"f15", "想咨询一下，老人办高龄津贴需要什么条件？", cases.IntensityGreen},
	{"f16", "村里的路灯有几盏不亮了，麻烦安排人看一下。", cases.IntensityGreen},
	{"f17", "我儿子今年退伍回来，想问问安置政策有哪些。", cases.IntensityGreen},
	{"f18", "听说今年要搞人居环境整治，我们组愿意出工出力。", cases.IntensityGreen},
	{"f19", "请问离婚后孩子的户口可以迁到我这边吗？", cases.IntensityGreen},
	{"f20", "建议镇卫生院周末也安排医生值班，方便上班的人看病。", cases.IntensityGreen},
	{"f21", "上次来反映的低保问题已经解决了，谢谢你们跑了好几趟。", cases.IntensityGreen},
}

// unseenTexts (first run 0.54, 0.43; weights and counts changed after).
var unseenTexts = []labelled{
	{"u01", "俺跟你说，这回要是再没个结果，俺就在镇政府大院里浇上油点了，俺说话算话。", cases.IntensityRed},
	{"u02", "开发商不退房款，我们１２０多户业主商量好了周六去售楼处拉条幅。", cases.IntensityRed},
	{"u03", "这帮当官的都是一伙的，我算看透了，过几天我直接去中南海门口跪着。", cases.IntensityRed},
	{"u04", "我儿子被他们打成重伤，凶手到现在还逍遥法外，我要亲手宰了他。", cases.IntensityRed},
	{"u05", "再不给我把低保恢复，我就抱着孩子从桥上跳下去。", cases.IntensityRed},
	{"u06", "谁动我家的地，我就让他横着出去。", cases.IntensityRed},
	{"u07", "我们整个小区的人都约好了，明天早上八点去区政府门口讨说法，媒体也会来。", cases.IntensityRed},
	{"u08", "我父亲的工伤赔偿拖了快两年，老板天天躲着不见人，我们一家老小都指望这笔钱。", cases.IntensityAmber},
	{"u09", "说了多少遍了，我家那堵墙是被邻居挖地基挖裂的，你们来看一眼就知道了。", cases.IntensityAmber},
	{"u10", "我不是来找麻烦的，但这个事你们得给我一个明确的答复。", cases.IntensityAmber},
	{"u11", "村里选举明显有猫腻，好几个人都看到有人发钱拉票，我们几十个村民都不服。", cases.IntensityAmber},
	{"u12", "承包合同还有五年才到期，村里就要收回去转包给别人，这不是欺负老实人吗？", cases.IntensityAmber},
	{"u13", "儿子在学校被同学打了，学校只想私了，连个道歉都没有，我们很寒心。", cases.IntensityAmber},
	{"u14", "我在这个窗口跑了第五趟了，每次要的材料都不一样，能不能一次性告诉我？", cases.IntensityAmber},
	{"u15", "农田被旁边的砖厂烟熏得庄稼都死了，找环保局他们说不归他们管，找镇上说等上面来人。", cases.IntensityAmber},
	{"u16", "我们几十户人家联名写了一封信，想请镇里帮我们修一下村里的路。", cases.IntensityAmber},
	{"u17", "您好，我想问一下我们这里今年的耕地地力保护补贴标准是多少？", cases.IntensityGreen},
	{"u18", "我们组想申请修一条机耕路，需要先找村里还是直接找镇上？", cases.IntensityGreen},
	{"u19", "老伴去世了，想问问丧葬补助金怎么领。", cases.IntensityGreen},
	{"u20", "镇上新开的便民服务中心很方便，给你们点个赞。", cases.IntensityGreen},
	{"u21", "我家孩子在外地上学，医保在哪边交比较划算？", cases.IntensityGreen},
	{"u22", "上个月反映的排水沟问题，村里已经派人清理了，情况好多了。", cases.IntensityGreen},
	{"u23", "我想在自家承包地上建个大棚，这个需要审批吗？", cases.IntensityGreen},
	{"u24", "请帮我查一下我的社保缴费记录，我想知道一共交了几年。", cases.IntensityGreen},
}

// finalTexts (first run 0.58, 0.43; the lists were broadened by category
// after it).
var finalTexts = []labelled{
	{"v01", "你们要是敢把我家的房子推了，我就抱着煤气罐坐在屋里，大家一起死。", cases.IntensityRed},
	{"v02", "我已经把农药放在包里了，今天不给我解决，我就不走了，死也死在这儿。", cases.IntensityRed},
	{"v03", "我们几个受害的工友准备组织一下，下个月去北京找国家部委讨个说法。", cases.IntensityRed},
	{"v04", "谁再敢拦着我们要账，我们就去把他家门堵上，天天去闹。", cases.IntensityRed},
	{"v05", "他要是再敢打我妈，我就跟他玩命。", cases.IntensityRed},
	{"v06", "我把遗言都录好了，手机里有，等我走了你们自己看。", cases.IntensityRed},
	{"v07", "这个厂再不停产，我们全镇老百姓就去高速上躺着，让所有车都过不去。", cases.IntensityRed},
	{"v08", "我在工地摔断了腿，包工头只给了两千块就不管了，医药费花了三万多。", cases.IntensityAmber},
	{"v09", "我们村的自来水三天两头停，一停就是好几天，村干部说他们也没办法。", cases.IntensityAmber},
	{"v10", "孩子的学籍被学校弄丢了，现在没法参加中考，学校一句对不起就完了？", cases.IntensityAmber},
	{"v11", "为了这事我已经请了十几天假了，工资都扣了，你们能不能快点处理？", cases.IntensityAmber},
	{"v12", "老板跑了以后，我们一百多个工人的工资都没着落，大家只想拿回自己的血汗钱。", cases.IntensityAmber},
	{"v13", "镇里说好去年年底给的搬迁补助，到现在一分都没看到。", cases.IntensityAmber},
	{"v14", "我不想上访，也不想给政府添麻烦，可是这地不能白白被占了啊。", cases.IntensityAmber},
	{"v15", "已经第三次来了，每次都说回去等消息，等到现在一点消息都没有。", cases.IntensityAmber},
	{"v16", "邻居在我家门口乱堆建筑垃圾，说了也不听，还骂我多管闲事。", cases.IntensityAmber},
	{"v17", "请问一下，退役军人优待证在哪里可以申请？", cases.IntensityGreen},
	{"v18", "村里今年的分红什么时候发，大家都在问。", cases.IntensityGreen},
	{"v19", "我想把户口从外省迁回来，要准备哪些东西？", cases.IntensityGreen},
	{"v20", "谢谢你们上次帮忙协调，邻里关系现在缓和多了。", cases.IntensityGreen},
	{"v21", "想问问我们这边有没有针对返乡创业的贷款政策。", cases.IntensityGreen},
	{"v22", "我母亲腿脚不好，能不能上门帮她办理老年证？", cases.IntensityGreen},
	{"v23", "村里的文化广场晚上没有灯，建议装几盏路灯。", cases.IntensityGreen},
	{"v24", "我们合作社想承包村里的荒山种果树，需要什么手续？", cases.IntensityGreen},
}

// lastTexts (first run 0.83, 0.71, red precision 1.00, no green as red;
// 劈了, 干出什么, 傻事, 想闹, 不执行, 拖垮 were added after it).
var lastTexts = []labelled{
	{"w01", "补偿款的事再拖下去，我就把汽油往身上一浇，死在你们大门口。", cases.IntensityRed},
	{"w02", "我老婆说了，她要是再被拒之门外，就从村委会楼上跳下去。", cases.IntensityRed},
	{"w03", "我们二十几户被拆迁的已经建了微信群，约好后天一起到市政府门口打横幅。", cases.IntensityRed},
	{"w04", "他敢再来我家地里挖土，我就拿铁锹劈了他。", cases.IntensityRed},
	{"w05", "你们要一直这么推下去，我也不知道哪天会干出什么傻事来。", cases.IntensityRed},
	{"w06", "明天我就坐火车去北京，票都买好了，这回不告倒他们我不回来。", cases.IntensityRed},
	{"w07", "要是下个月还不发工资，我们全厂工人就一起去把县政府的大门堵了。", cases.IntensityRed},
	{"w08", "村里修水渠把我家的地挖了一半，一分钱补偿都没有，找谁谁都不管。", cases.IntensityAmber},
	{"w09", "我们单元楼的电梯停了快一年，物业天天说在修，到现在还是没修好。", cases.IntensityAmber},
	{"w10", "我妈住院的时候被护士推倒摔伤了，医院到现在都不承认，我们咽不下这口气。", cases.IntensityAmber},
	{"w11", "老宅子的产权证我爸名下的，现在被我叔偷偷过户了，派出所说这是家务事不管。", cases.IntensityAmber},
	{"w12", "我们十几户人家都反映过排水的问题，下雨天院子里全是积水，希望尽快解决。", cases.IntensityAmber},
	{"w13", "这个低保评议根本就不公开，我家条件这么差都评不上，到底是谁说了算？", cases.IntensityAmber},
	{"w14", "我这是第四次来了，上次你们答应一个月内答复，现在两个月过去了还是没消息。", cases.IntensityAmber},
	{"w15", "说实话我不想闹，我就想问问为什么别人家的房子补得比我们多。", cases.IntensityAmber},
	{"w16", "打了好几年官司，判决生效了对方就是不执行，我们一家人都快被拖垮了。", cases.IntensityAmber},
	{"w17", "请问我们村的饮水工程什么时候开工？", cases.IntensityGreen},
	{"w18", "我是外地来的务工人员，孩子想在这边上幼儿园，需要办什么证明？", cases.IntensityGreen},
	{"w19", "村里的健身器材坏了一个，建议找人来修一修。", cases.IntensityGreen},
	{"w20", "听说今年医保缴费标准涨了，我想问一下一年要交多少。", cases.IntensityGreen},
	{"w21", "感谢镇政府帮我们协调好了宅基地的事，我们两家现在都很满意。", cases.IntensityGreen},
	{"w22", "我想给村里捐一批图书，应该找哪个部门对接？", cases.IntensityGreen},
	{"w23", "我家的承包地想流转给合作社，合同应该怎么签比较稳妥？", cases.IntensityGreen},
	{"w24", "老人过八十岁了，高龄补贴是自动发放还是要本人申请？", cases.IntensityGreen},
}

// confusion counts texts by expected (row) and scored (column) level.
type confusion map[cases.IntensityLevel]map[cases.IntensityLevel]int

var levels = []cases.IntensityLevel{cases.IntensityRed, cases.IntensityAmber, cases.IntensityGreen}

func evaluate(t *testing.T, s *Scorer, set []labelled) confusion {
	t.Helper()
	c := confusion{}
	for _, l := range levels {
		c[l] = map[cases.IntensityLevel]int{}
	}
	for _, l := range set {
		in := s.Score(l.Text)
		c[l.Level][in.Level]++
		if in.Level != l.Level {
			t.Logf("%s want %s, got %s %d %v: %s", l.ID, l.Level, in.Level, in.Score, in.Strings(), l.Text)
		}
	}
	return c
}

func (c confusion) String() string {
	var b strings.Builder
	b.WriteString("want\\got  red amber green\n")
	for _, w := range levels {
		fmt.Fprintf(&b, "%-9s %4d %5d %5d\n", w, c[w][cases.IntensityRed], c[w][cases.IntensityAmber], c[w][cases.IntensityGreen])
	}
	return b.String()
}

func (c confusion) metrics() (redRecall, redPrecision float64, greenAsRed int, accuracy float64) {
	red := cases.IntensityRed
	tp, wantRed, gotRed, right, total := 0, 0, 0, 0, 0
	for _, w := range levels {
		for _, g := range levels {
			n := c[w][g]
			total += n
			if w == g {
				right += n
			}
			if w == red {
				wantRed += n
			}
			if g == red {
				gotRed += n
			}
		}
	}
	tp = c[red][red]
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 1
		}
		return float64(a) / float64(b)
	}
	return ratio(tp, wantRed), ratio(tp, gotRed), c[cases.IntensityGreen][red], ratio(right, total)
}

func checkTargets(t *testing.T, name string, c confusion, minAccuracy float64) {
	t.Helper()
	recall, precision, greenRed, acc := c.metrics()
	t.Logf("%s:\n%sred recall %.2f, red precision %.2f, green scored red %d, accuracy %.2f", name, c, recall, precision, greenRed, acc)
	if recall < 0.9 {
		t.Errorf("%s: red recall %.2f, want ≥ 0.9", name, recall)
	}
	if precision < 0.8 {
		t.Errorf("%s: red precision %.2f, want ≥ 0.8", name, precision)
	}
	if greenRed > 0 {
		t.Errorf("%s: %d green texts scored red, want none", name, greenRed)
	}
	if acc < minAccuracy {
		t.Errorf("%s: accuracy %.2f, want ≥ %.2f", name, acc, minAccuracy)
	}
}

func TestDevSetTargets(t *testing.T) {
	dev := readDev(t)
	if len(dev) < 40 {
		t.Fatalf("%d texts in the dev set", len(dev))
	}
	checkTargets(t, "dev set", evaluate(t, shipped(t), dev), 0.75)
}

// ownBatches are our own texts by batch.
var ownBatches = []struct {
	name  string
	texts []labelled
}{{"held-out", heldOut}, {"fresh", freshTexts}, {"unseen", unseenTexts}, {"final", finalTexts}, {"last", lastTexts}}

func TestOwnTexts(t *testing.T) {
	dev := map[string]bool{}
	if _, err := os.Stat(devSet); err == nil {
		for _, l := range readDev(t) {
			dev[l.Text] = true
		}
	}
	var all []labelled
	ids := map[string]bool{}
	for _, b := range ownBatches {
		for _, l := range b.texts {
			if dev[l.Text] || ids[l.ID] {
				t.Errorf("%s is a dev text or a repeated id", l.ID)
			}
			ids[l.ID] = true
		}
		all = append(all, b.texts...)
		if b.name != "held-out" {
			c := evaluate(t, shipped(t), b.texts)
			recall, precision, greenRed, acc := c.metrics()
			t.Logf("%s:\n%sred recall %.2f, red precision %.2f, green scored red %d, accuracy %.2f", b.name, c, recall, precision, greenRed, acc)
		}
	}
	if len(heldOut) < 30 {
		t.Fatalf("%d held-out texts, want at least 30", len(heldOut))
	}
	checkTargets(t, "held-out", evaluate(t, shipped(t), heldOut), 0.75)
	t.Run("all", func(t *testing.T) {
		checkTargets(t, fmt.Sprintf("all %d own texts", len(all)), evaluate(t, shipped(t), all), 0.75)
	})
}

// BenchmarkScore scores the dev texts; run with -cpu 1 for one core.
func BenchmarkScore(b *testing.B) {
	dev := readDev(b)
	s := shipped(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		s.Score(dev[n%len(dev)].Text)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "texts/s")
}
