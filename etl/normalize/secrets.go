package normalize

import "regexp"

var (
	// user:password@ in a URL (http://u:p@host, postgres://u:p@host) and in a MySQL DSN
	// (u:p@tcp(host)/db): the password is everything up to the last @ before the host.
	urlPassword = regexp.MustCompile(`((?:[A-Za-z][A-Za-z0-9+.-]*://)?[^\s:/@"'<>]+):[^\s/"'<>]*@`)
	// A secret passed as a query or key=value parameter: ?token=…, &access_token=…,
	// password=… in a PostgreSQL key=value DSN. The name may end a longer one (api_key).
	secretParam = regexp.MustCompile(`(?i)\b([A-Za-z_]*(?:token|key|secret|password|passwd|pwd|signature|sig))(=|%3D)[^&\s"'<>)]*`)
)

// RedactSecrets hides credentials in text about a source: the password of a user:password@
// URL or DSN and the value of token=, key=, secret=, password= (and names ending so) query
// or key=value parameters. Errors, the console log and the run ledger (which analysts read)
// pass through it, whatever produced the text (Go's HTTP client quotes the URL it failed on).
func RedactSecrets(s string) string {
	s = urlPassword.ReplaceAllString(s, "$1:***@")
	return secretParam.ReplaceAllString(s, "$1$2***")
}

// Scrub is what leaves the runner as text (errors, log lines, etl_runs.error): personal
// data masked and credentials redacted.
func Scrub(s string) string { return RedactSecrets(RedactPII(s)) }
