// Package analysttest gives a test a read-only analyst login on the project-local ClickHouse.
//
// Tests run in their own databases (warehousetest), but the committed analyst account may only
// read `safetydw`. So each test writes its own users.d file: the committed analyst profile,
// copied setting by setting from warehouse/clickhouse/users.d/analyst.xml (optionally with some
// settings changed, e.g. a shorter time limit), and a user allowed only the test's database.
// The server hot-reloads users.d; the file is removed when the test ends.
package analysttest

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"safetydw/warehouse"
)

// committed is the part of analyst.xml a test copies.
type committed struct {
	Profile struct {
		Settings []setting `xml:",any"`
	} `xml:"profiles>analyst"`
	User struct {
		Hash  string   `xml:"password_sha256_hex"`
		Quota string   `xml:"quota"`
		IPs   []string `xml:"networks>ip"`
	} `xml:"users>analyst"`
}

type setting struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

var safeName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// Provision writes the users.d file for a login that may read only database, waits until the
// server accepts it (at most 15 s), and returns its configuration. overrides replace or add
// profile settings, e.g. {"max_execution_time": "2"}.
func Provision(t testing.TB, database string, overrides map[string]string) warehouse.Config {
	t.Helper()
	if !safeName.MatchString(database) {
		t.Fatalf("analysttest: database name %q is not a plain identifier", database)
	}
	root := RepoRoot(t)
	body, err := os.ReadFile(filepath.Join(root, "warehouse", "clickhouse", "users.d", "analyst.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var c committed
	if err := xml.Unmarshal(body, &c); err != nil {
		t.Fatalf("analyst.xml: %v", err)
	}
	if c.User.Hash == "" || len(c.Profile.Settings) == 0 {
		t.Fatalf("analyst.xml: no analyst profile or password_sha256_hex")
	}

	name := "analyst_" + database
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\"?>\n<!-- written by a test (safetydw/warehouse/analysttest); removed when it ends -->\n<yandex>\n")
	fmt.Fprintf(&b, "  <profiles><%s>\n", name)
	seen := map[string]bool{}
	for _, s := range c.Profile.Settings {
		v := s.Value
		if o, ok := overrides[s.XMLName.Local]; ok {
			v = o
		}
		seen[s.XMLName.Local] = true
		fmt.Fprintf(&b, "    <%s>%s</%[1]s>\n", s.XMLName.Local, xmlText(v))
	}
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !seen[k] {
			fmt.Fprintf(&b, "    <%s>%s</%[1]s>\n", k, xmlText(overrides[k]))
		}
	}
	fmt.Fprintf(&b, "  </%s></profiles>\n", name)
	fmt.Fprintf(&b, "  <users><%s>\n    <password_sha256_hex>%s</password_sha256_hex>\n    <networks>", name, c.User.Hash)
	for _, ip := range c.User.IPs {
		fmt.Fprintf(&b, "<ip>%s</ip>", xmlText(ip))
	}
	fmt.Fprintf(&b, "</networks>\n    <profile>%s</profile>\n    <quota>%s</quota>\n", name, xmlText(c.User.Quota))
	fmt.Fprintf(&b, "    <allow_databases><database>%s</database></allow_databases>\n  </%s></users>\n</yandex>\n", database, name)

	dir := filepath.Join(warehouse.FindLocal().Dir, "users.d")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("analysttest: %v\n(the analyst tests need the project-local server: run `make clickhouse`)", err)
	}
	file := filepath.Join(dir, name+".xml")
	// Write aside and rename: the server must never read half a file (it ignores names
	// that do not end in .xml).
	tmp := filepath.Join(dir, "."+name+".xml.tmp")
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(file) })

	cfg := warehouse.ConfigFromEnv()
	cfg.Database, cfg.User, cfg.Password = database, name, warehouse.AnalystLocalPassword
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		db, err := warehouse.Open(ctx, cfg, false)
		cancel()
		if err == nil {
			db.Close()
			return cfg
		}
		if time.Now().After(deadline) {
			t.Fatalf("analysttest: the server did not accept %s within 15 s of writing %s: %v", name, file, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// Open provisions a login for database and connects with it; the connection closes with the test.
func Open(t testing.TB, database string, overrides map[string]string) *warehouse.DB {
	t.Helper()
	cfg := Provision(t, database, overrides)
	db, err := warehouse.Open(context.Background(), cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// RepoRoot walks up from the working directory (a test runs in its package folder) to go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("analysttest: no go.mod above the working directory")
		}
		dir = parent
	}
}
