package demo

import (
	"math/rand/v2"
	"strings"
	"time"
)

// fillValues draws every slot value for a case of category c opened at t.
// A cluster member then takes the shared matter over these.
func fillValues(r *rand.Rand, v *vals, c *compiledCategory, t time.Time) {
	town := townships[pickWeighted(r, townWeights)]
	local := t.In(chinaZone)
	v[sTown] = town.name
	v[sVillage] = pick(r, town.villages)
	v[sCounty] = countyName
	v[sGroup] = pick(r, groupNumerals)
	v[sCompany] = company(r, c.industries)
	v[sSide] = pick(r, sides)
	v[sRoad] = itoa(201 + r.IntN(199))
	v[sPhase] = pick(r, phases)
	year := local.Year() - r.IntN(6)
	v[sYear] = itoa(year)
	v[sYears] = itoa(max(1, local.Year()-year))
	v[sMonth] = itoa(1 + r.IntN(12))
	v[sMu] = decimal(5 + r.IntN(80))
	v[sArea] = itoa(60 + r.IntN(260))
	v[sWan] = decimal(12 + r.IntN(470))
	v[sYuan] = itoa((20 + r.IntN(960)) * 100)
	v[sMonths] = itoa(2 + r.IntN(13))
	v[sHouseholds] = itoa(6 + r.IntN(55))
	v[sPeople] = itoa(5 + r.IntN(44))
	v[sDept] = deptName(pick(r, c.depts), town.name)
	v[sNeighbor] = personName(r, "", r.IntN(100) < 70)
	v[sPrice] = itoa((180 + r.IntN(470)) * 100)
	v[sFloors] = itoa(6 + r.IntN(28))
	v[sGap] = itoa(8 + r.IntN(28))
	v[sDistance] = itoa((2 + r.IntN(30)) * 50)
	v[sHour] = itoa(1 + r.IntN(4))
	if r.IntN(2) == 0 {
		v[sRiver] = pick(r, riverNames)
	} else {
		v[sRiver] = v[sVillage] + "前的小河"
	}
	v[sCaseNo] = itoa(100 + r.IntN(2900))
	v[sGraves] = itoa(1 + r.IntN(6))
	v[sDays] = itoa(3 + r.IntN(13))
	v[sGrid] = pick(r, gridWorkers)
	v[sShop] = town.name + "“" + pick(r, shopNames) + "”" + pick(r, shopKinds)
	v[sHospital] = pick(r, hospitals)
	if strings.HasPrefix(v[sHospital], "镇") {
		v[sHospital] = town.name + strings.TrimPrefix(v[sHospital], "镇")
	}
	v[sTerm] = itoa(18 + r.IntN(19))
	v[sTenth] = itoa(1 + r.IntN(9))
	v[sProject] = pick2(r, projectTpls).text(v, r)
}

func pick2(r *rand.Rand, ts []tpl) tpl { return ts[r.IntN(len(ts))] }

// deptName makes a department's full name: 镇… and 县… offices get the
// township's or the county's name.
func deptName(d, town string) string {
	switch {
	case strings.HasPrefix(d, "镇"):
		return town + strings.TrimPrefix(d, "镇")
	case strings.HasPrefix(d, "县"):
		return countyName + strings.TrimPrefix(d, "县")
	}
	return d
}
