package standin_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetydw/sample_data/standin"
)

const lines = `{"hazard_id":"H3","enterprise_id":"E1","updated_at":"2025-03-01T10:00:00+08:00"}
{"hazard_id":"H1","enterprise_id":"E2","updated_at":"2025-03-01 08:00:00"}
{"hazard_id":"H2","enterprise_id":"E1","updated_at":"2025-03-01T00:00:00Z"}
not json at all
`

type answer struct {
	Data       []map[string]any `json:"data"`
	Total      int              `json:"total"`
	NextCursor string           `json:"next_cursor"`
}

func setup(t *testing.T) (*standin.Server, *httptest.Server, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "hazards"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "hazards", "hazards.jsonl")
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	eps, err := standin.Discover(dir)
	if err != nil || len(eps) != 1 || eps[0].Path != "/api/hazards" {
		t.Fatalf("Discover = %+v, %v; want /api/hazards", eps, err)
	}
	srv := standin.New(eps...)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, hs, file
}

func get(t *testing.T, url, token string) (int, answer) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	_ = json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a
}

func ids(a answer) string {
	var out []string
	for _, r := range a.Data {
		out = append(out, r["hazard_id"].(string))
	}
	return strings.Join(out, ",")
}

// The id field is guessed (first key ending in _id), both timestamp forms order together,
// and a broken line is served only with full loads.
func TestFilterAndOrder(t *testing.T) {
	_, hs, _ := setup(t)
	code, a := get(t, hs.URL+"/api/hazards?page=1&size=10", "")
	if code != 200 || a.Total != 4 || len(a.Data) != 4 {
		t.Fatalf("full load: %d, %+v", code, a)
	}
	code, a = get(t, hs.URL+"/api/hazards?updated_since=2025-03-01T08:00:00%2B08:00&page=1&size=10", "")
	if code != 200 || ids(a) != "H1,H2,H3" || a.Total != 3 {
		t.Errorf("since 08:00: %d %q total %d, want H1,H2,H3 (H1 and H2 share the instant)", code, ids(a), a.Total)
	}
	// An unescaped + arrives as a space; the stand-in reads it as meant.
	if _, a = get(t, hs.URL+"/api/hazards?updated_since=2025-03-01T09:00:00+08:00&page=1", ""); ids(a) != "H3" {
		t.Errorf("unescaped offset: %q", ids(a))
	}
}

func TestCursorIsAKeyset(t *testing.T) {
	_, hs, file := setup(t)
	base := hs.URL + "/api/hazards?updated_since=2025-03-01T00:00:00Z&size=1"
	_, a := get(t, base, "")
	if ids(a) != "H1" || a.NextCursor == "" {
		t.Fatalf("first page %q cursor %q", ids(a), a.NextCursor)
	}
	// H1 is updated between the requests: a keyset cursor neither skips H2 nor repeats H1 early.
	edited := strings.Replace(lines, `"H1","enterprise_id":"E2","updated_at":"2025-03-01 08:00:00"`, `"H1","enterprise_id":"E2","updated_at":"2025-03-02 08:00:00"`, 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	for cur := a.NextCursor; cur != ""; cur = a.NextCursor {
		_, a = get(t, base+"&cursor="+cur, "")
		got = append(got, ids(a))
	}
	if strings.Join(got, ",") != "H2,H3,H1" {
		t.Errorf("after the edit: %v, want H2,H3,H1", got)
	}
}

func TestTokenAndFaults(t *testing.T) {
	srv, hs, _ := setup(t)
	srv.Token = "t0k"
	if code, _ := get(t, hs.URL+"/api/hazards", ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d", code)
	}
	if code, _ := get(t, hs.URL+"/api/hazards", "t0k"); code != http.StatusOK {
		t.Errorf("token: %d", code)
	}
	srv.Inject(standin.Fault{After: 1, Count: 2, Status: 500})
	var codes []int
	for range 4 {
		code, _ := get(t, hs.URL+"/api/hazards", "t0k")
		codes = append(codes, code)
	}
	if want := []int{200, 500, 500, 200}; !equal(codes, want) {
		t.Errorf("codes %v, want %v", codes, want)
	}
	reqs := srv.Requests()
	if len(reqs) != 6 || reqs[3].Status != 500 {
		t.Errorf("request log %+v", reqs)
	}
	for _, bad := range []string{"?page=0", "?size=x", "?updated_since=yesterday", "?cursor=!!"} {
		if code, _ := get(t, hs.URL+"/api/hazards"+bad, "t0k"); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A log without updated_at is keyed by its first *_time field, so incremental reads work.
func TestGuessesEventTime(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "events.jsonl")
	body := `{"hazard_id":"H1","event_time":"2025-03-01T08:00:00+08:00","event_type":"found"}
{"hazard_id":"H1","event_time":"2025-03-02T08:00:00+08:00","event_type":"closed"}
`
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(standin.New(standin.Endpoint{Path: "/api/events", File: file}))
	defer hs.Close()
	_, a := get(t, hs.URL+"/api/events?updated_since=2025-03-02T00:00:00%2B08:00&page=1", "")
	if len(a.Data) != 1 || a.Data[0]["event_type"] != "closed" {
		t.Errorf("since 03-02: %+v, want the closed event", a.Data)
	}
}
