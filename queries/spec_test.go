package queries

import (
	"strings"
	"testing"

	"safetydw/warehouse/refdata"
)

// Every reference of a metric is checked when the catalogue loads; each broken file is named
// with the field at fault, and the good ones in the same catalogue do not hide the bad.
func TestSpecChecks(t *testing.T) {
	good := `id: good
name: 好指标
unit: 项
direction: lower
targets: [T01]
grains: [year]
dimensions: [district, town]
topic: accidents
kind: flow
source: SELECT toDate(occurred_at) AS date, town_code AS town FROM fact_accident
numerator: count()
`
	if _, err := ParseCatalogue(map[string][]byte{"good.yaml": []byte(good)}, refdata.Targets()); err != nil {
		t.Fatalf("a good spec is refused: %v", err)
	}
	bad := map[string]struct {
		edit [2]string
		want string
	}{
		"clock.yaml":     {[2]string{"FROM fact_accident", "FROM fact_accident WHERE occurred_at < now()"}, "source: uses the server clock"},
		"target.yaml":    {[2]string{"[T01]", "[T999]"}, "targets: no target T999"},
		"milestone.yaml": {[2]string{"[T01]", "[T18]"}, "targets: T18 is a milestone"},
		"unit.yaml":      {[2]string{"unit: 项", "unit: \"%\""}, `targets: T01 is measured in "count", the metric in "%"`},
		"dim.yaml":       {[2]string{"[district, town]", "[district, village]"}, `dimensions: unknown dimension "village"`},
		"first.yaml":     {[2]string{"[district, town]", "[town]"}, "dimensions: must start with district"},
		"grain.yaml":     {[2]string{"[year]", "[week]"}, `grains: "week" is not one of`},
		"topic.yaml":     {[2]string{"topic: accidents\n", ""}, "topic: missing"},
		"rows.yaml":      {[2]string{"FROM fact_accident", "FROM {rows:nothing}"}, "source: no row set queries/rows/nothing.sql"},
		"param.yaml":     {[2]string{"count()", "count() > {param:nope}"}, "numerator: no parameter nope"},
		"key.yaml":       {[2]string{"kind: flow", "kind: flow\nnumerater: count()"}, "field numerater not found"},
	}
	files := map[string][]byte{"good.yaml": []byte(good)}
	for name, b := range bad {
		body := strings.Replace(good, "id: good", "id: "+strings.TrimSuffix(name, ".yaml"), 1)
		body = strings.Replace(body, b.edit[0], b.edit[1], 1)
		files[name] = []byte(body)
	}
	_, err := ParseCatalogue(files, refdata.Targets())
	if err == nil {
		t.Fatal("broken specs were accepted")
	}
	for name, b := range bad {
		line := ""
		for _, l := range strings.Split(err.Error(), "\n") {
			if strings.Contains(l, name) {
				line = l
			}
		}
		if !strings.Contains(line, b.want) {
			t.Errorf("%s: error line %q, want it to say %q", name, line, b.want)
		}
	}
	if strings.Contains(err.Error(), "good.yaml") {
		t.Errorf("the good spec is blamed: %v", err)
	}
}

// The shipped catalogue loads and links every target at most to metrics that exist.
func TestCatalogue(t *testing.T) {
	c, err := Metrics()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Specs) == 0 || c.Hash == "" {
		t.Fatalf("catalogue %d specs, hash %q", len(c.Specs), c.Hash)
	}
	if got := c.ForTarget("T70"); len(got) != 1 || got[0].ID != "sibu_drill_share" {
		t.Errorf("T70 is measured by %v", got)
	}
}
