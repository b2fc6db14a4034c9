package dataset

import (
	"fmt"
	"sort"
)

// Env is what a dataset may borrow from the warehouse when it is built for a run.
type Env struct {
	Enterprises Enterprises
}

var registry = map[string]func(Env) *Dataset{}

// Register makes a dataset available to source configs by name. Each dataset file calls
// it from init, so adding a domain is adding a file.
func Register(name string, build func(Env) *Dataset) {
	if _, dup := registry[name]; dup {
		panic("dataset " + name + " registered twice")
	}
	registry[name] = build
}

// New builds the named dataset.
func New(name string, env Env) (*Dataset, error) {
	build, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown dataset %q (known: %v)", name, Names())
	}
	return build(env), nil
}

// Names lists the registered datasets.
func Names() []string {
	var ns []string
	for n := range registry {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}
