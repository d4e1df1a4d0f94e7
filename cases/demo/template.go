package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The demo texts are small templates compiled once: {村} is a slot filled
// from the case's values, [至今|到现在] picks one of its alternatives at
// random, everything else is literal text.

// slot names a value a template can refer to.
type slot uint8

const (
	sVillage    slot = iota // 村 (with 村)
	sTown                   // 镇 (with 镇/乡)
	sCounty                 // 县
	sGroup                  // 组: 村民小组, e.g. 三组
	sCompany                // 公司
	sProject                // 项目
	sYear                   // 年: the year of the underlying matter
	sMonth                  // 月
	sMu                     // 亩
	sArea                   // 平方: square metres of a house or plot
	sWan                    // 万元: an amount in units of 10,000 yuan
	sYuan                   // 元
	sMonths                 // 月数
	sYears                  // 年数
	sHouseholds             // 户数
	sPeople                 // 人数
	sDept                   // 部门: the office handling the matter
	sRespondent             // 被反映人
	sNeighbor               // 邻居
	sPrice                  // 单价: yuan per mu
	sFloors                 // 层数
	sGap                    // 间距: metres between buildings
	sDistance               // 距离: metres to a factory
	sHour                   // 点: an hour after midnight
	sRiver                  // 河
	sCaseNo                 // 号: a court case serial
	sGraves                 // 座
	sDays                   // 天数
	sGrid                   // 网格员
	sShop                   // 店
	sHospital               // 医院
	sTerm                   // 期限: months
	sTenth                  // 小数: one decimal digit
	sSide                   // 方位
	sRoad                   // 路号
	sPhase                  // 期
	nSlots
)

var slotNames = map[string]slot{
	"村": sVillage, "镇": sTown, "县": sCounty, "组": sGroup, "公司": sCompany, "项目": sProject,
	"年": sYear, "月": sMonth, "亩": sMu, "平方": sArea, "万元": sWan, "元": sYuan, "月数": sMonths,
	"年数": sYears, "户数": sHouseholds, "人数": sPeople, "部门": sDept, "被反映人": sRespondent,
	"邻居": sNeighbor, "单价": sPrice, "层数": sFloors, "间距": sGap, "距离": sDistance, "点": sHour,
	"河": sRiver, "号": sCaseNo, "座": sGraves, "天数": sDays, "网格员": sGrid, "店": sShop,
	"医院": sHospital, "期限": sTerm, "小数": sTenth, "方位": sSide, "路号": sRoad, "期": sPhase,
}

// vals holds one case's slot values.
type vals [nSlots]string

// seg is one piece of a template: literal text, a slot, or alternatives.
type seg struct {
	lit  string
	slot slot
	alts []string
	kind uint8 // segLit, segSlot, segAlt
}

const (
	segLit uint8 = iota
	segSlot
	segAlt
)

// tpl is a compiled template.
type tpl []seg

// compile parses a template; it panics on a malformed one, since all
// templates are constants of this package (and a test compiles them all).
func compile(src string) tpl {
	var t tpl
	rest := src
	for rest != "" {
		i := strings.IndexAny(rest, "{[")
		if i < 0 {
			t = append(t, seg{lit: rest})
			break
		}
		if i > 0 {
			t = append(t, seg{lit: rest[:i]})
		}
		open, closing := rest[i], byte('}')
		if open == '[' {
			closing = ']'
		}
		j := strings.IndexByte(rest[i:], closing)
		if j < 0 {
			panic(fmt.Sprintf("demo: unclosed %c in template %q", open, src))
		}
		body := rest[i+1 : i+j]
		if open == '{' {
			s, ok := slotNames[body]
			if !ok {
				panic(fmt.Sprintf("demo: unknown slot {%s} in template %q", body, src))
			}
			t = append(t, seg{kind: segSlot, slot: s})
		} else {
			alts := strings.Split(body, "|")
			if len(alts) < 2 {
				panic(fmt.Sprintf("demo: alternatives [%s] need a | in template %q", body, src))
			}
			t = append(t, seg{kind: segAlt, alts: alts})
		}
		rest = rest[i+j+1:]
	}
	return t
}

func compileAll(srcs ...string) []tpl {
	out := make([]tpl, len(srcs))
	for i, s := range srcs {
		out[i] = compile(s)
	}
	return out
}

// render appends the template's text to b.
func (t tpl) render(b []byte, v *vals, r *rand.Rand) []byte {
	for i := range t {
		s := &t[i]
		switch s.kind {
		case segLit:
			b = append(b, s.lit...)
		case segSlot:
			b = append(b, v[s.slot]...)
		default:
			b = append(b, s.alts[r.IntN(len(s.alts))]...)
		}
	}
	return b
}

// text renders the template to a string.
func (t tpl) text(v *vals, r *rand.Rand) string {
	var buf [256]byte
	return string(t.render(buf[:0], v, r))
}
