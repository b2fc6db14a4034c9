package warehouse

import (
	"encoding/xml"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// The project-local server is started by warehouse/clickhouse/server.sh, which keeps its
// config, data, logs and admin password in one folder: var/clickhouse of the repository, or
// CH_DIR. The binary, the tests and the script read the same settings from there, so there is
// one answer to "which server": CLICKHOUSE_ADDR when set (another server), else the local one
// on 127.0.0.1 and the port CH_TCP_PORT names, else the port the local server was last
// started on (its config.xml), else 19000.

// DefaultLocalPort is the local server's port when nothing else names one.
const DefaultLocalPort = "19000"

// LocalServer is the project-local server's folder as server.sh left it.
type LocalServer struct {
	Dir string // "" when no local server folder was found
}

// PasswordFile is the admin (default user) password server.sh generates on its first start,
// mode 0600, never committed (var/ is ignored).
const PasswordFile = "admin.password"

// FindLocal finds the local server's folder: CH_DIR, else var/clickhouse in the working
// folder or the nearest folder above it (tests run in their package folder), else beside the
// binary (bin/safetydw → var/clickhouse).
func FindLocal() LocalServer {
	if d := os.Getenv("CH_DIR"); d != "" {
		abs, err := filepath.Abs(d)
		if err == nil {
			return LocalServer{Dir: abs}
		}
		return LocalServer{Dir: d}
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(filepath.Dir(exe)))
	}
	for _, dir := range starts {
		for {
			candidate := filepath.Join(dir, "var", "clickhouse")
			if st, err := os.Stat(candidate); err == nil && st.IsDir() {
				return LocalServer{Dir: candidate}
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return LocalServer{}
}

// Port is the local server's native port: CH_TCP_PORT, else the tcp_port of the config
// server.sh last wrote, else DefaultLocalPort.
func (l LocalServer) Port() string {
	if p := os.Getenv("CH_TCP_PORT"); p != "" {
		return p
	}
	if l.Dir != "" {
		if b, err := os.ReadFile(filepath.Join(l.Dir, "config.xml")); err == nil {
			var c struct {
				TCPPort string `xml:"tcp_port"`
			}
			if xml.Unmarshal(b, &c) == nil && strings.TrimSpace(c.TCPPort) != "" {
				return strings.TrimSpace(c.TCPPort)
			}
		}
	}
	return DefaultLocalPort
}

// Addr is the local server's address.
func (l LocalServer) Addr() string { return net.JoinHostPort("127.0.0.1", l.Port()) }

// Serves says whether addr is the local server: a loopback host on its port. Only then is the
// local admin password sent.
func (l LocalServer) Serves(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port != l.Port() {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Password is the admin password from PasswordFile; "" when there is none (a server started
// before passwords, or no local server).
func (l LocalServer) Password() string {
	if l.Dir == "" {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(l.Dir, PasswordFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
