package queries

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"safetydw/warehouse"
)

// China is the time zone of every as-of date: a day of the campaign is a day in China.
var China = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// Today is the as-of date of a refresh run now: today's date in China.
func Today() time.Time { return Day(time.Now().In(China)) }

// Day keeps the calendar date of t (in its own location) as a UTC midnight, the form every
// as-of date and period boundary takes here.
func Day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// CompareAsOf is the as-of date a refresh also computes, for "change vs last month": the last
// day of the month before the one holding asOf.
func CompareAsOf(asOf time.Time) time.Time {
	return PeriodStart("month", asOf).AddDate(0, 0, -1)
}

// keepRefreshes is how many complete refreshes stay in ads_metric_value: the latest is what
// readers see, the one before serves a reader that started just before the switch.
const keepRefreshes = 2

// abandonAfter is how long an unfinished refresh of another process is left alone before its
// rows are dropped as abandoned (it crashed, or was killed).
const abandonAfter = 6 * time.Hour

// RefreshResult says what a refresh wrote.
type RefreshResult struct {
	ID      uint64
	AsOf    time.Time
	Compare time.Time
	Rows    map[string]uint64 // per metric, both as-of dates together
}

// Refresh computes every metric as of the day (a date in China; never the server's clock) and
// as of the month end before it, under a new refresh id, and then marks the refresh complete.
// Readers only ever see complete refreshes (LoadSet), so a refresh that fails half-way, or
// two that run at once, never show a half-written or doubled metric.
func Refresh(ctx context.Context, db *warehouse.DB, asOf time.Time) (*RefreshResult, error) {
	cat, err := Metrics()
	if err != nil {
		return nil, err
	}
	asOf = Day(asOf)
	// On a cluster: refuse to compute from part of the facts while a shard is down, and let
	// every replica catch up first, in case this client failed over to a node that lags.
	if err := db.Sync(ctx); err != nil {
		return nil, err
	}
	started := time.Now()
	res := &RefreshResult{ID: uint64(started.UnixNano()), AsOf: asOf, Compare: CompareAsOf(asOf), Rows: map[string]uint64{}}
	err = res.write(ctx, db, cat)
	status, msg := "complete", ""
	if err != nil {
		status, msg = "failed", err.Error()
	}
	var total uint64
	for _, n := range res.Rows {
		total += n
	}
	b, berr := db.PrepareBatch(ctx, `INSERT INTO ads_metric_refresh
		(refresh_id, as_of, compare_as_of, started_at, finished_at, definitions_hash, metrics, rows, status, error)`)
	if berr == nil {
		berr = b.Append(res.ID, res.AsOf, res.Compare, started, time.Now(), cat.Hash, uint32(len(cat.Specs)), total, status, msg)
	}
	if berr == nil {
		berr = b.Send()
	}
	if err != nil {
		dropRefresh(ctx, db, res.ID) // best effort: the failed rows are unreachable anyway
		return nil, err
	}
	if berr != nil {
		return nil, fmt.Errorf("record refresh %d: %w", res.ID, berr)
	}
	if err := prune(ctx, db); err != nil {
		return res, fmt.Errorf("drop old refreshes: %w", err)
	}
	return res, nil
}

func (res *RefreshResult) write(ctx context.Context, db *warehouse.DB, cat *Catalogue) error {
	b, err := db.PrepareBatch(ctx, `INSERT INTO ads_metric_def
		(refresh_id, metric_id, name, unit, direction, kind, targets, grains, dimensions, topic, description, definition)`)
	if err != nil {
		return err
	}
	for _, s := range cat.Specs {
		if err := b.Append(res.ID, s.ID, s.Name, s.Unit, s.Direction, s.Kind, s.Targets, s.Grains, s.Dimensions,
			s.Topic, s.Description, s.definition); err != nil {
			return err
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("record metric definitions: %w", err)
	}
	if err := liveStore.compute(ctx, db, cat, res.ID, res.AsOf, res.Compare); err != nil {
		return err
	}
	rows, err := db.Query(ctx, "SELECT metric_id, count() FROM ads_metric_value WHERE refresh_id = ? GROUP BY metric_id", res.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n uint64
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		res.Rows[id] = n
	}
	return rows.Err()
}

// store names the tables a computation writes into: the live refresh's, which the dashboards
// read, or a monthly snapshot's, which only the bulletin reads (queries/snapshot.go). Both have
// the same columns but their id's name.
type store struct{ values, lists, id string }

var liveStore = store{values: "ads_metric_value", lists: "ads_list_row", id: "refresh_id"}

// compute writes every metric and list as of each day under the id.
func (st store) compute(ctx context.Context, db *warehouse.DB, cat *Catalogue, id uint64, days ...time.Time) error {
	for _, asOf := range days {
		if err := st.writeLists(ctx, db, id, asOf); err != nil {
			return err
		}
		for _, s := range cat.Specs {
			insert := fmt.Sprintf("INSERT INTO %s (%s, as_of, metric_id, %s)\nSELECT %d, %s, '%s', %s FROM (\n%s\n)",
				st.values, st.id, resultColumns, id, dateLit(asOf), s.ID, resultColumns, s.SQL(asOf))
			if err := db.Exec(ctx, insert); err != nil {
				return fmt.Errorf("指标 %s 计算失败 (metric %s, queries/metrics/%s, as of %s): %w",
					s.Name, s.ID, s.File, asOf.Format(time.DateOnly), err)
			}
		}
	}
	return nil
}

// prune drops the partitions of refreshes readers no longer use: all but the newest
// keepRefreshes complete ones, failed ones, and unfinished ones older than abandonAfter. A
// refresh still running in another process is younger than that and is left alone.
func prune(ctx context.Context, db *warehouse.DB) error {
	var complete []uint64
	status := map[uint64]string{}
	rows, err := db.Query(ctx, "SELECT refresh_id, status FROM ads_metric_refresh")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id uint64
		var st string
		if err := rows.Scan(&id, &st); err != nil {
			rows.Close()
			return err
		}
		status[id] = st
		if st == "complete" {
			complete = append(complete, id)
		}
	}
	rows.Close()
	sort.Slice(complete, func(i, j int) bool { return complete[i] > complete[j] })
	keep := map[uint64]bool{}
	for i, id := range complete {
		if i < keepRefreshes {
			keep[id] = true
		}
	}
	parts, err := refreshPartitions(ctx, db)
	if err != nil {
		return err
	}
	horizon := uint64(time.Now().Add(-abandonAfter).UnixNano())
	for _, id := range parts {
		if keep[id] || (status[id] == "" && id > horizon) {
			continue
		}
		if err := dropRefresh(ctx, db, id); err != nil {
			return err
		}
	}
	return nil
}

// refreshPartitions lists the refresh ids that still have rows in the value, definition or list tables.
func refreshPartitions(ctx context.Context, db *warehouse.DB) ([]uint64, error) {
	parts, err := db.Partitions(ctx, "ads_metric_value", "ads_metric_def", "ads_list_row")
	if err != nil {
		return nil, err
	}
	var ids []uint64
	for _, p := range parts {
		id, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("partition %q of the metric store is not a refresh id", p)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func dropRefresh(ctx context.Context, db *warehouse.DB, id uint64) error {
	var errs []string
	for _, table := range []string{"ads_metric_value", "ads_metric_def", "ads_list_row"} {
		if err := db.DropPartition(ctx, table, id); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("drop refresh %d: %s", id, strings.Join(errs, "; "))
	}
	return nil
}
