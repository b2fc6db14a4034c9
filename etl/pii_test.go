package etl_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetydw/etl"
	"safetydw/etl/httpapi"
	"safetydw/etl/landing"
	"safetydw/etl/normalize"
	"safetydw/etl/sqldb"
	"safetydw/warehouse"
	"safetydw/warehouse/warehousetest"
)

// TestSaltRequired: before, without SAFETYDW_PII_SALT the training records were keyed with the
// public demo salt, and a person_key was reversed to its ID number in 2.2 s. Now a run with a
// dataset that makes person keys refuses to start without a salt of its own, saying how to
// set one, and loads nothing; a run without such a dataset needs none.
func TestSaltRequired(t *testing.T) {
	db := warehousetest.New(t)
	r := &etl.Runner{DB: db, DropDir: "testdata/domains", Log: io.Discard}
	sources := []etl.SourceConfig{
		domainSource("registry", "enterprises", "", "enterprises.csv"),
		domainSource("training", "training", "training_platform", "training.json"),
	}
	for _, salt := range []string{"", "0123456789abcde", normalize.DemoSalt} {
		t.Setenv(normalize.SaltEnv, salt)
		_, err := r.Run(context.Background(), sources)
		if err == nil || !strings.Contains(err.Error(), "source training") || !strings.Contains(err.Error(), "export SAFETYDW_PII_SALT=$(openssl rand -hex 32)") {
			t.Errorf("salt %q: run error %v; want a refusal naming the source and how to set a salt", salt, err)
		}
	}
	var runs, rows uint64
	queryRow(t, db, "SELECT (SELECT count() FROM etl_runs), (SELECT count() FROM fact_training) + (SELECT count() FROM dim_enterprise)", &runs, &rows)
	if runs != 0 || rows != 0 {
		t.Errorf("refused runs left %d ledger rows and %d table rows, want none", runs, rows)
	}

	t.Setenv(normalize.SaltEnv, "")
	if _, err := r.Run(context.Background(), sources[:1]); err != nil {
		t.Errorf("the registry makes no person keys, but without a salt: %v", err)
	}
}

// piiFile is a hand-written hazard-event file: personal data in the free-text 备注 of a good
// row (2), of a row with a bad event type (3; the reason quotes the value), and of a record
// with a bare quote that cannot be parsed (4).
const piiFile = "隐患编号,事件时间,事件类型,办理部门,办理层级,备注\n" +
	"YH1,2024-03-04 09:00:00,found,,企业,联系人：王小明 身份证370812198503120020 手机13812345678 座机0538-6221234\n" +
	"YH1,2024-03-04 10:00:00,致电13712345678,,企业,举报人：赵大海 身份证11010519491231002X\n" +
	"YH2,2024-03-04 11:00:00,found,,企业,联系人:钱多多 13612345678 \"370812199007071535\n"

// piiValues are the personal values of piiFile, none of which may be stored or printed.
var piiValues = []string{"370812198503120020", "11010519491231002X", "370812199007071535",
	"13812345678", "13712345678", "13612345678", "6221234", "王小明", "赵大海", "钱多多"}

// TestPIIMaskedEverywhere: before, only the training dataset masked anything: an ID number, a
// phone or a name in another dataset's free text reached the table, the quarantine (raw text
// and reason), the Parquet archive and the console. Now every FreeText column is masked as it
// is loaded, and every refused row's text and reason, so the archive (which replay reloads)
// holds the same masked values as the tables.
func TestPIIMaskedEverywhere(t *testing.T) {
	drop, archive := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(drop, "events.csv"), []byte(piiFile), 0o644); err != nil {
		t.Fatal(err)
	}
	db := warehousetest.New(t)
	var log bytes.Buffer
	r := &etl.Runner{DB: db, DropDir: drop, Landing: archive, Log: &log}
	stats, err := r.Run(context.Background(), []etl.SourceConfig{domainSource("events", "hazard_events", "hz", "events.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if st := stats[0]; st.Read != 3 || st.Loaded != 1 || st.Quarantined != 2 {
		t.Fatalf("read/loaded/quarantined %d/%d/%d, want 3/1/2", st.Read, st.Loaded, st.Quarantined)
	}
	var note string
	queryRow(t, db, "SELECT note FROM fact_hazard_event", &note)
	if want := "联系人：王** 身份证[身份证号已隐去] 手机138****5678 座机0538-*******"; note != want {
		t.Errorf("note = %q, want %q", note, want)
	}
	var reason, raw3, raw4 string
	queryRow(t, db, "SELECT reason, raw FROM etl_quarantine FINAL WHERE row_num = 3", &reason, &raw3)
	queryRow(t, db, "SELECT raw FROM etl_quarantine FINAL WHERE row_num = 4", &raw4)
	if !strings.Contains(reason, "致电137****5678") || raw3 != "YH1,2024-03-04 10:00:00,致电137****5678,,企业,举报人：赵** 身份证[身份证号已隐去]" {
		t.Errorf("row 3: reason %q, raw %q; want the phone and name masked, the rest as sent", reason, raw3)
	}
	if !strings.Contains(raw4, "联系人:钱** 136****5678") || !strings.Contains(raw4, "[身份证号已隐去]") {
		t.Errorf("row 4 (unparsable) raw = %q, want the name, phone and ID number masked", raw4)
	}

	// The archive, replayed into an empty warehouse, gives the same masked rows.
	replayed := warehousetest.New(t)
	if _, err := landing.Replay(context.Background(), replayed, archive); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*warehouse.DB{db, replayed} {
		noPII(t, d, piiValues, "fact_hazard_event", "etl_quarantine", "etl_runs")
	}
	queryRow(t, replayed, "SELECT note FROM fact_hazard_event", &note)
	if !strings.HasPrefix(note, "联系人：王** ") {
		t.Errorf("replayed note = %q, want the masked note", note)
	}
	for _, v := range piiValues {
		if strings.Contains(log.String(), v) {
			t.Errorf("the console log shows %s:\n%s", v, log.String())
		}
	}
	if !strings.Contains(log.String(), "隔离 (quarantined) events.csv 第 3 行") {
		t.Errorf("the console log lacks the quarantine line of row 3:\n%s", log.String())
	}
}

// noPII fails when any text column of the tables holds one of values.
func noPII(t *testing.T, db *warehouse.DB, values []string, tables ...string) {
	t.Helper()
	for _, table := range tables {
		cols := columnNames(t, db, table, "type LIKE '%String%'")
		if len(cols) < 3 {
			t.Fatalf("%s has only the text columns %v", table, cols)
		}
		for _, c := range cols {
			for _, v := range values {
				var n uint64
				queryRow(t, db, fmt.Sprintf("SELECT count() FROM %s WHERE position(toString(%s), '%s') > 0", table, c, v), &n)
				if n > 0 {
					t.Errorf("%s.%s holds %s in %d rows", table, c, v, n)
				}
			}
		}
	}
}

// columnNames lists the columns of a table that meet cond, a condition on system.columns.
func columnNames(t *testing.T, db *warehouse.DB, table, cond string) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT name FROM system.columns WHERE database = ? AND table = ? AND "+cond+" ORDER BY name", db.Database, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	return cols
}

// TestSecretsRedacted: before, an HTTP source's user:password@ and ?token= were printed with
// every retry and failure and stored in etl_runs.error, which analysts read. Now the console,
// the returned error and the ledger show *** in their place. A PostgreSQL DSN with a password
// is shown the same way.
func TestSecretsRedacted(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "upstream down", http.StatusBadGateway)
	}))
	defer hs.Close()
	url := strings.Replace(hs.URL, "http://", "http://etl:hunter2pw@", 1) + "/api/hazards?token=s3cr3tTok&access_token=AT999"
	t.Setenv("QZK_TEST_DSN", "postgres://reader:Pa55word@127.0.0.1:badport/qzk")
	db := warehousetest.New(t)
	var log bytes.Buffer
	r := &etl.Runner{DB: db, Log: &log}
	for _, src := range []etl.SourceConfig{
		{Name: "hazards_api", Kind: "http", Dataset: "hazards", System: "hz", HTTP: &httpapi.Config{URL: url, MaxRetries: 1,
			BackoffBase: 10 * time.Millisecond, NoJitter: true}},
		{Name: "qzk", Kind: "sql", Dataset: "drills", System: "qzk", SQL: &sqldb.Config{Driver: "postgres", DSNEnv: "QZK_TEST_DSN",
			Table: "drills_view", Columns: []string{"演练编号"}, UpdatedColumn: "updated_at", IDColumn: "演练编号"}},
	} {
		_, err := r.Run(context.Background(), []etl.SourceConfig{src})
		if err == nil {
			t.Fatalf("%s: the run succeeded", src.Name)
		}
		fmt.Fprintln(&log, err) // what `safetydw etl run` prints
	}
	var ledger string
	queryRow(t, db, "SELECT arrayStringConcat(groupArray(error), '\n') FROM etl_runs", &ledger)
	for what, text := range map[string]string{"console": log.String(), "etl_runs.error": ledger} {
		for _, secret := range []string{"hunter2pw", "s3cr3tTok", "AT999", "Pa55word"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows %s:\n%s", what, secret, text)
			}
		}
		for _, kept := range []string{"etl:***@", "token=***", "/api/hazards", "HTTP 502", "reader:***@"} {
			if !strings.Contains(text, kept) {
				t.Errorf("%s lacks %q:\n%s", what, kept, text)
			}
		}
	}
}
