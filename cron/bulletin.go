package cron

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"time"

	"safetydw/dashboards"
	"safetydw/dashboards/browser"
	"safetydw/etl/dataset"
	"safetydw/queries"
)

// BulletinOptions are `safetydw bulletin`'s flags.
type BulletinOptions struct {
	Month    time.Time // first day of the month; zero: the month before today (the scheduler's run)
	PDF      bool
	Refreeze bool
	Reason   string
}

// Bulletin freezes (or reads the frozen) month and writes its bulletin into the site's archive,
// out/bulletins/<YYYY-MM>/, with the PDF printed by headless Chromium when asked.
func (p *Pipeline) Bulletin(ctx context.Context, o BulletinOptions) (dashboards.ArchivedBulletin, error) {
	if o.Month.IsZero() {
		o.Month = queries.PeriodStart("month", queries.Today()).AddDate(0, -1, 0)
	}
	sources, err := p.dashboardSources()
	if err != nil {
		return dashboards.ArchivedBulletin{}, err
	}
	b, err := dashboards.FreezeBulletin(ctx, p.DB, dashboards.BulletinRequest{Month: o.Month, Sources: sources, By: whoami(),
		Refreeze: o.Refreeze, Reason: o.Reason, Lock: p.freezeLock(o.Month)})
	if err != nil {
		return dashboards.ArchivedBulletin{}, err
	}
	var print func(string, string, string) error
	if o.PDF {
		// Chromium starts only when the PDF must be printed: a month generated again keeps its PDF.
		var br *browser.Browser
		defer func() {
			if br != nil {
				br.Close()
			}
		}()
		print = func(html, pdf, previous string) error {
			u, err := browser.FileURL(html)
			if err != nil {
				return err
			}
			if br, err = browser.Start(ctx); err != nil {
				return err
			}
			prints, err := br.PrintPDF(ctx, u, pdf, previous)
			p.logf("bulletin: PDF 打印 %d 次 (printed %d time(s): twice when the contents' page numbers changed)", prints, prints)
			return err
		}
	}
	res, err := dashboards.WriteBulletin(p.OutDir, b, p.EChartsJS, print)
	if err != nil {
		return res, err
	}
	if res.PDFReused {
		p.logf("bulletin: PDF 与已归档的相同，未重新打印 (the archived PDF was printed from the same HTML: kept)")
	}
	state := "读取已冻结的快照 (read the frozen snapshot)"
	if b.Created {
		state = "新冻结快照 (froze a new snapshot)"
	}
	p.logf("bulletin: %s 第%d期 %s %d sha256 %s → %s", o.Month.Format("2006-01"), dashboards.Issue(o.Month), state,
		b.Snapshot.ID, b.Snapshot.ContentHash, res.Dir)
	return res, nil
}

// dashboardSources names each declared source's table, for the freshness page and the bulletin.
func (p *Pipeline) dashboardSources() ([]dashboards.Source, error) {
	var sources []dashboards.Source
	for _, src := range p.Sources {
		ds, err := dataset.New(src.Dataset, dataset.Env{})
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", src.Name, err)
		}
		sources = append(sources, dashboards.Source{Name: src.Name, Table: ds.Table})
	}
	return sources, nil
}

// freezeLock takes the month's freeze lease in the warehouse, the one the schedulers use for
// their jobs, so it holds across processes and hosts: a second freeze waits for the first and
// then reads its snapshot.
func (p *Pipeline) freezeLock(month time.Time) func(context.Context) (func(), error) {
	return func(ctx context.Context) (func(), error) {
		l := &leases{db: p.DB, owner: whoami(), cfg: LeaseConfig{}.withDefaults()}
		job := "bulletin-freeze-" + month.Format("2006-01")
		told := ""
		for {
			ls, holder, err := l.acquire(ctx, job)
			if err != nil {
				return nil, err
			}
			if ls != nil {
				ls.ctx(ctx) // renewed while the freeze runs
				return ls.release, nil
			}
			// Once per holder: a holder killed mid-freeze keeps its lease until it expires (TTL).
			if holder != told {
				p.logf("bulletin: %s 正在由另一进程冻结，等待其完成或租约到期 (another process is freezing this month; waiting: %s)", month.Format("2006-01"), holder)
				told = holder
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Second):
			}
		}
	}
}

// whoami is who a snapshot or refreeze is recorded as made by: the OS user at the host.
func whoami() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}
