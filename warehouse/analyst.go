package warehouse

import "os"

// The analysts' read-only account of the project-local server, provisioned by
// warehouse/clickhouse/users.d/analyst.xml. The password only guards a server that listens on
// loopback; a production server gets its own (README, "Ad-hoc SQL").
const (
	AnalystUser          = "analyst"
	AnalystLocalPassword = "analyst-local"
)

// AnalystConfigFromEnv is ConfigFromEnv's server and database with the analyst login:
// CLICKHOUSE_ANALYST_USER and CLICKHOUSE_ANALYST_PASSWORD, defaulting to the local account.
// It never falls back to CLICKHOUSE_USER, so ad-hoc SQL cannot run as the ETL account by accident.
func AnalystConfigFromEnv() Config {
	c := ConfigFromEnv()
	c.User, c.Password = AnalystUser, AnalystLocalPassword
	if u := os.Getenv("CLICKHOUSE_ANALYST_USER"); u != "" {
		c.User = u
		c.Password = os.Getenv("CLICKHOUSE_ANALYST_PASSWORD")
	} else if p, ok := os.LookupEnv("CLICKHOUSE_ANALYST_PASSWORD"); ok {
		c.Password = p
	}
	return c
}
