package cron

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// transientCodes are ClickHouse errors that a later attempt may not meet: timeouts, network,
// overload, and a lost ZooKeeper (replicated tables read-only). Every other server error —
// syntax, unknown table or column, bad type, access — is the query's or the config's fault.
var transientCodes = map[int32]bool{
	159: true, // TIMEOUT_EXCEEDED
	202: true, // TOO_MANY_SIMULTANEOUS_QUERIES
	209: true, // SOCKET_TIMEOUT
	210: true, // NETWORK_ERROR
	241: true, // MEMORY_LIMIT_EXCEEDED (other queries' memory)
	242: true, // TABLE_IS_READ_ONLY (replica lost ZooKeeper)
	252: true, // TOO_MANY_PARTS
	279: true, // ALL_CONNECTION_TRIES_FAILED
	319: true, // UNKNOWN_STATUS_OF_INSERT
	999: true, // KEEPER_EXCEPTION (ZooKeeper)
}

// Transient says whether a failed run is worth retrying: the network, ClickHouse unavailable
// or overloaded, ZooKeeper, an HTTP source answering 5xx after its own retries. A bad config,
// an SQL error, a validation error or the job's own timeout is permanent: retrying gives the
// same answer.
func Transient(err error) bool {
	if err == nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		return transientCodes[ex.Code]
	}
	var tmp interface{ Temporary() bool }
	if errors.As(err, &tmp) && tmp.Temporary() {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, clickhouse.ErrAcquireConnTimeout)
}
