package normalize

import (
	"fmt"
	"strings"
	"sync"

	"safetydw/warehouse/refdata"
)

var (
	namesOnce sync.Once
	names     map[string]map[string]string // kind → name or alias → code
)

func loadNames() {
	names = map[string]map[string]string{"town": {}, "park": {}, "dept": {}}
	for _, t := range refdata.Towns() {
		names["town"][t.Name] = t.Code
		names["town"][t.Code] = t.Code
	}
	for _, p := range refdata.Parks() {
		names["park"][p.Name] = p.Code
		names["park"][p.Code] = p.Code
	}
	for _, d := range refdata.Departments() {
		names["dept"][d.Name] = d.Code
		names["dept"][d.Code] = d.Code
	}
	for _, a := range refdata.Aliases() {
		if m, ok := names[a.Kind]; ok {
			m[a.Alias] = a.Code
		}
	}
}

func lookup(kind, label, s string) (string, error) {
	namesOnce.Do(loadNames)
	k := strings.Join(strings.Fields(s), "")
	if code, ok := names[kind][k]; ok {
		return code, nil
	}
	return "", fmt.Errorf("未知%s %q (unknown %s; add an alias to warehouse/refdata/aliases.csv if it is ours)", label, s, kind)
}

// Town maps a town or street name, an alias such as 鼓楼街道办事处, or a code to its code.
func Town(s string) (string, error) { return lookup("town", "镇街", s) }

// Park maps a park name or alias to its code; empty stays empty (most units sit in no park).
func Park(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	return lookup("park", "园区", s)
}

// Dept maps a department name, short form (应急局) or code to its code.
func Dept(s string) (string, error) { return lookup("dept", "部门", s) }

var (
	industryOnce sync.Once
	industries   map[string]refdata.Industry // name or code → industry
)

// Industry maps an industry name (粉尘涉爆) or code (IT.DUST) to its reference row.
func Industry(s string) (refdata.Industry, error) {
	industryOnce.Do(func() {
		industries = map[string]refdata.Industry{}
		for _, in := range refdata.Industries() {
			industries[in.Name] = in
			industries[in.Code] = in
		}
	})
	if in, ok := industries[strings.TrimSpace(s)]; ok {
		return in, nil
	}
	return refdata.Industry{}, fmt.Errorf("未知行业类别 %q (unknown industry)", s)
}

// Place maps what a town column holds to a town code. Units inside a park often write the
// park there; the park's town is then the town.
func Place(s string) (string, error) {
	town, err := Town(s)
	if err == nil {
		return town, nil
	}
	park, perr := Park(s)
	if perr != nil || park == "" {
		return "", err
	}
	return TownOf(park), nil
}

// Unit maps a town or park name to the code of that territorial unit: a park where the text
// names a park, else the town. Place gives the town of the same text.
func Unit(s string) (string, error) {
	if town, err := Town(s); err == nil {
		return town, nil
	}
	park, err := Park(s)
	if err != nil || park == "" {
		_, terr := Town(s)
		return "", terr
	}
	return park, nil
}

var (
	parkTownOnce sync.Once
	parkTown     map[string]string // park code → the town it lies in
)

// TownOf returns the town of a territorial unit code: the code itself for a town, the park's
// town for a park.
func TownOf(unit string) string {
	parkTownOnce.Do(func() {
		parkTown = map[string]string{}
		for _, p := range refdata.Parks() {
			parkTown[p.Code] = p.TownCode
		}
	})
	if t, ok := parkTown[unit]; ok {
		return t
	}
	return unit
}
