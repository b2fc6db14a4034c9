package warehouse_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"safetydw/warehouse"
	"safetydw/warehouse/analysttest"
)

// freePort asks the kernel for a port nobody listens on.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// serverSh runs warehouse/clickhouse/server.sh as `make clickhouse` does, for the local server
// of folder dir. CLICKHOUSE_ADDR is dropped (it makes the script do nothing), so every setting
// comes from env.
func serverSh(t *testing.T, script, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", append([]string{script}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLICKHOUSE_") && !strings.HasPrefix(kv, "CH_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, append([]string{"CH_DIR=" + dir}, env...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestServerScriptOwnsItsServer starts real servers through server.sh in two folders of their
// own. Before: the second start, whose server died with "Address already in use", printed
// "ready" because the first answered on the port; the binary knew nothing of CH_TCP_PORT and
// went to 19000; the admin user had no password and took DDL over HTTP from anyone, a web
// page in a local browser included.
func TestServerScriptOwnsItsServer(t *testing.T) {
	script := filepath.Join(analysttest.RepoRoot(t), "warehouse", "clickhouse", "server.sh")
	a, b := t.TempDir(), t.TempDir()
	port, httpPort := freePort(t), freePort(t)
	t.Cleanup(func() { serverSh(t, script, a, nil, "stop") })
	out, err := serverSh(t, script, a, []string{"CH_TCP_PORT=" + port, "CH_HTTP_PORT=" + httpPort}, "start")
	if err != nil || !strings.Contains(out, "ready") {
		t.Fatalf("start A: %v\n%s", err, out)
	}

	// The generated admin password: readable by its owner only.
	st, err := os.Stat(filepath.Join(a, warehouse.PasswordFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v, mode %v; want 0600", warehouse.PasswordFile, err, st.Mode().Perm())
	}

	// The binary's configuration reads the same folder: CH_TCP_PORT, then the port A was
	// started on, and A's password.
	t.Setenv("CLICKHOUSE_ADDR", "")
	os.Unsetenv("CLICKHOUSE_ADDR")
	t.Setenv("CLICKHOUSE_PASSWORD", "")
	os.Unsetenv("CLICKHOUSE_PASSWORD")
	t.Setenv("CH_DIR", a)
	t.Setenv("CH_TCP_PORT", "")
	os.Unsetenv("CH_TCP_PORT")
	cfg := warehouse.ConfigFromEnv()
	if cfg.Addr != "127.0.0.1:"+port {
		t.Errorf("ConfigFromEnv().Addr = %s, want A's 127.0.0.1:%s", cfg.Addr, port)
	}
	ctx := context.Background()
	cfg.Database = "default"
	db, err := warehouse.Open(ctx, cfg, false)
	if err != nil {
		t.Fatalf("the binary's login to A: %v", err)
	}
	db.Close()
	cfg.Password = ""
	if _, err := warehouse.Open(ctx, cfg, false); code(err) != 194 {
		t.Errorf("admin login without the password: %v, want Code 194 Password required", err)
	}

	// A page in a browser POSTs DDL to the HTTP port: refused without the password.
	resp, err := http.Post("http://127.0.0.1:"+httpPort+"/", "text/plain", strings.NewReader("CREATE DATABASE evil"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Error("CREATE DATABASE over HTTP without a password succeeded")
	}

	// B on A's port: its server cannot bind, and the script says so with the log's error.
	out, err = serverSh(t, script, b, []string{"CH_TCP_PORT=" + port}, "start")
	if err == nil || strings.Contains(out, "已就绪") || !strings.Contains(out, "Address already in use") {
		t.Errorf("start B on A's port: %v, want a failure quoting the log:\n%s", err, out)
	}
	// A again, on another port while it runs on its own: refused, naming the port it runs on.
	out, err = serverSh(t, script, a, []string{"CH_TCP_PORT=" + freePort(t)}, "start")
	if err == nil || !strings.Contains(out, "runs on port "+port) {
		t.Errorf("start A on another port: %v\n%s", err, out)
	}
	// And with no port named, A's own (from its config) is used.
	if out, err := serverSh(t, script, a, nil, "status"); err != nil || !strings.Contains(out, "127.0.0.1:"+port) {
		t.Errorf("status of A: %v\n%s", err, out)
	}
}

// Without CH_HTTP_PORT the local server has no HTTP interface at all.
func TestServerConfigHasNoHTTPByDefault(t *testing.T) {
	script := filepath.Join(analysttest.RepoRoot(t), "warehouse", "clickhouse", "server.sh")
	dir := t.TempDir()
	t.Cleanup(func() { serverSh(t, script, dir, nil, "stop") })
	if out, err := serverSh(t, script, dir, []string{"CH_TCP_PORT=" + freePort(t)}, "start"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	conf, err := os.ReadFile(filepath.Join(dir, "config.xml"))
	if err != nil || strings.Contains(string(conf), "http_port") {
		t.Errorf("config.xml: %v, has http_port: %v", err, strings.Contains(string(conf), "http_port"))
	}
}
