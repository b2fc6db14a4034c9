package cron

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"

	"safetydw/etl/httpapi"
)

// chException is a server error as clickhouse-go returns it, for codes a test cannot provoke
// on one 18.16 server (ZooKeeper, read-only replicas).
func chException(code int32) error {
	return &clickhouse.Exception{Code: code, Name: "DB::Exception", Message: "test"}
}

// httpExhausted is the error the HTTP connector returns when its endpoint answers status.
func httpExhausted(t *testing.T, status int) error {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
	defer srv.Close()
	c, err := httpapi.Open(httpapi.Config{URL: srv.URL, MaxRetries: -1, Log: io.Discard}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Next(context.Background())
	return err
}
