package cron

import (
	"context"
	"fmt"
	"sync"
	"time"

	"safetydw/warehouse"
)

// LeaseConfig tunes the job leases that keep two schedulers from running the same job.
//
// 18.16 has no transactions or compare-and-set, so a lease is taken by insert-then-read-back:
// read the job's unexpired leases (another holder: skip); insert our own; wait Settle; read
// them all back; the earliest (acquired_ns, token) wins, and a loser releases its row. The
// holder renews every TTL/3 and its run is cancelled when it can no longer renew. What this
// does not cover:
//   - acquired_ns is each holder's own clock: two schedulers whose clocks differ by more than
//     Settle, starting within that difference, can both win. Keep Settle above the clock skew
//     (NTP keeps it to milliseconds; the default Settle is 2 s).
//   - a holder stopped (paused VM, lost network) for longer than TTL keeps running while the
//     lease expires and another host takes it; its run is cancelled only when it wakes and
//     fails to renew. Keep TTL well above such pauses (default 2 min).
//   - on a cluster, a read served by a replica that has not yet received the other insert
//     sees no rival; the window is the replication lag (keep Settle above it).
//
// ETL's own guarantees (watermarks move after the rows are stored, files load once per hash,
// ReplacingMergeTree keys) keep the data consistent even when two runs overlap; the lease
// keeps them from doing the work twice.
type LeaseConfig struct {
	TTL    time.Duration `yaml:"ttl"`
	Settle time.Duration `yaml:"settle"`
}

func (c LeaseConfig) withDefaults() LeaseConfig {
	return LeaseConfig{TTL: cmp(c.TTL, 2*time.Minute), Settle: cmp(c.Settle, 2*time.Second)}
}

type leases struct {
	db    *warehouse.DB
	owner string
	cfg   LeaseConfig
}

type leaseRow struct {
	token, owner string
	acquired     uint64
	expires      uint64
}

// acquire takes the job's lease. It returns nil and the holder's description when another
// scheduler holds it.
func (l *leases) acquire(ctx context.Context, job string) (*lease, string, error) {
	if rows, err := l.live(ctx, job); err != nil {
		return nil, "", err
	} else if len(rows) > 0 {
		return nil, held(rows[0]), nil
	}
	now := uint64(time.Now().UnixNano())
	ls := &lease{l: l, job: job, token: newID(), acquired: now, version: 1}
	if err := ls.write(ctx, now+uint64(l.cfg.TTL)); err != nil {
		return nil, "", err
	}
	select {
	case <-ctx.Done():
		ls.release()
		return nil, "", ctx.Err()
	case <-time.After(l.cfg.Settle):
	}
	rows, err := l.live(ctx, job)
	if err != nil {
		ls.release()
		return nil, "", err
	}
	if len(rows) == 0 || rows[0].token != ls.token {
		ls.release()
		if len(rows) == 0 {
			return nil, "", fmt.Errorf("写入的租约读不回 (lease row not read back)")
		}
		return nil, held(rows[0]), nil
	}
	return ls, "", nil
}

func held(r leaseRow) string {
	return fmt.Sprintf("租约由 %s 持有，至 %s (lease held by %s)", r.owner,
		time.Unix(0, int64(r.expires)).In(China).Format(time.DateTime), r.owner)
}

// live lists the job's unexpired leases, the winner first.
func (l *leases) live(ctx context.Context, job string) ([]leaseRow, error) {
	rows, err := l.db.Query(ctx, `SELECT token, owner, acquired_ns, expires_ns FROM job_leases FINAL
		WHERE job = ? AND expires_ns > ? ORDER BY acquired_ns, token`, job, uint64(time.Now().UnixNano()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []leaseRow
	for rows.Next() {
		var r leaseRow
		if err := rows.Scan(&r.token, &r.owner, &r.acquired, &r.expires); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

type lease struct {
	l        *leases
	job      string
	token    string
	acquired uint64
	mu       sync.Mutex
	version  uint64
	stop     chan struct{}
	done     chan struct{}
}

func (ls *lease) write(ctx context.Context, expires uint64) error {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.version++
	// A batch, not Exec with bound arguments: that INSERT … VALUES did not return within 5 s on 18.16 here.
	b, err := ls.l.db.PrepareBatch(ctx, "INSERT INTO job_leases (job, token, owner, acquired_ns, expires_ns, version)")
	if err != nil {
		return err
	}
	if err := b.Append(ls.job, ls.token, ls.l.owner, ls.acquired, expires, ls.version); err != nil {
		return err
	}
	return b.Send()
}

// ctx returns a context for the run that renews the lease every TTL/3 and is cancelled when
// the lease runs out unrenewed (another scheduler may have it by then).
func (ls *lease) ctx(parent context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(parent)
	ls.stop, ls.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ls.done)
		defer cancel(nil)
		ttl := ls.l.cfg.TTL
		expires := time.Now().Add(ttl)
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-ls.stop:
				return
			case <-t.C:
			}
			wctx, wcancel := context.WithTimeout(context.Background(), ttl/3)
			next := time.Now().Add(ttl)
			err := ls.write(wctx, uint64(next.UnixNano()))
			wcancel()
			if err == nil {
				expires = next
			} else if time.Until(expires) < ttl/3 {
				cancel(fmt.Errorf("租约无法续期 (lease could not be renewed): %w", err))
				return
			}
		}
	}()
	return ctx
}

// release ends the lease; a failed release only means the row expires by itself.
func (ls *lease) release() {
	if ls.stop != nil {
		close(ls.stop)
		<-ls.done
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = ls.write(ctx, 0)
}
