package normalize

import "testing"

func TestRedactSecrets(t *testing.T) {
	for in, want := range map[string]string{
		// Go's HTTP client error for a URL carrying both (it hides the password itself only
		// in some paths, never the token).
		`Get "http://etl:hunter2@10.0.0.5:8080/api/hazards?token=s3cr3t&page=1": dial tcp 10.0.0.5:8080: connection refused`: `Get "http://etl:***@10.0.0.5:8080/api/hazards?token=***&page=1": dial tcp 10.0.0.5:8080: connection refused`,
		"GET https://api.example/v1?size=500&access_token=abc.def&key=K1&Secret=x&password=p%40ss (第 1 页)":                   "GET https://api.example/v1?size=500&access_token=***&key=***&Secret=***&password=*** (第 1 页)",
		"api_key%3Dzz9": "api_key%3D***",
		// DSNs: MySQL, PostgreSQL URL and key=value forms; a password may hold an @.
		"qzk:p@ss@tcp(10.0.0.7:3306)/qzk?parseTime=true":   "qzk:***@tcp(10.0.0.7:3306)/qzk?parseTime=true",
		"postgres://reader:Pa55@db.local:5432/qzk":         "postgres://reader:***@db.local:5432/qzk",
		"host=db.local user=reader password=Pa55 dbname=q": "host=db.local user=reader password=*** dbname=q",
		// Nothing to hide: times, ports, Chinese colons, an e-mail address.
		"2026-11-29 10:00:05 127.0.0.1:18700 错误: 第 3 行 admin@example.com": "2026-11-29 10:00:05 127.0.0.1:18700 错误: 第 3 行 admin@example.com",
	} {
		if got := RedactSecrets(in); got != want {
			t.Errorf("RedactSecrets(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}
