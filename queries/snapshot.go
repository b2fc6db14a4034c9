package queries

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"safetydw/warehouse"
)

// A monthly snapshot freezes what a bulletin shows: every metric value and item list as of the
// month's cut-off (its last day, China time) and the month end before, the targets and units as
// they stood, and figures derived from them (the ranking, the sources' completeness). Generating
// the month again reads the snapshot, so its figures never change with later loads; a refreeze is
// deliberate, recorded in rpt_snapshot_refreeze, and keeps the old snapshot.

var snapshotStore = store{values: "rpt_snapshot_value", lists: "rpt_snapshot_list_row", id: "snapshot_id"}

// ErrNoSnapshot says a month has not been frozen yet.
var ErrNoSnapshot = errors.New("no snapshot")

// Watermark is how far a source had been loaded when the snapshot was frozen.
type Watermark struct {
	Source     string    `json:"source"`
	LastLoaded time.Time `json:"last_loaded"` // its last successful run's end; zero when it never succeeded
}

// Snapshot is one frozen month.
type Snapshot struct {
	ID              uint64
	Month           time.Time // first day of the month
	AsOf, Compare   time.Time
	DefinitionsHash string
	ContentHash     string
	Watermarks      []Watermark
	CreatedAt       time.Time
	CreatedBy       string
	Reason          string
	Set             *Set
	Derived         map[string]json.RawMessage // frozen figures computed from the set, by name
}

// frame is the JSON of rpt_snapshot.frame: what the Set needs besides values and lists.
type frame struct {
	Targets []Target                   `json:"targets"`
	Units   map[string][]Unit          `json:"units"`
	Derived map[string]json.RawMessage `json:"derived"`
}

// FreezeRequest asks for a month's snapshot.
type FreezeRequest struct {
	Month    time.Time // any day of the month
	By       string    // who freezes (user@host)
	Refreeze bool      // freeze again though a snapshot exists
	Reason   string    // required with Refreeze
	// Check runs before a new snapshot is computed (not when an existing one is read): a month
	// without data is refused before any work.
	Check func(context.Context) error
	// Derive computes figures from the frozen set that are frozen with it (the ranking, the
	// sources' completeness for the month); nil for none.
	Derive func(context.Context, *Set) (map[string]json.RawMessage, error)
	// Lock, when set, is held while a new snapshot is computed and written, so that two
	// freezes of the same month (the scheduler's run and a user's command) do not both write
	// one: the second waits, then reads the first's. It returns the function that releases it.
	Lock func(context.Context) (func(), error)
}

// MonthEnd is the cut-off of a month: its last day.
func MonthEnd(month time.Time) time.Time {
	return PeriodStart("month", month).AddDate(0, 1, -1)
}

// Freeze returns the month's snapshot: the existing one, or (none yet, or Refreeze) a new one
// computed now from the warehouse as of the month's last day. The live refresh the dashboards
// read is not touched.
func Freeze(ctx context.Context, db *warehouse.DB, req FreezeRequest) (snap *Snapshot, created bool, err error) {
	month := PeriodStart("month", Day(req.Month))
	old, err := LoadSnapshot(ctx, db, month)
	switch {
	case err == nil && !req.Refreeze:
		return old, false, nil
	case err != nil && !errors.Is(err, ErrNoSnapshot):
		return nil, false, err
	case req.Refreeze && strings.TrimSpace(req.Reason) == "":
		return nil, false, fmt.Errorf("--refreeze 需要 --reason 说明理由 (a refreeze needs --reason)")
	}
	if req.Lock != nil {
		unlock, err := req.Lock(ctx)
		if err != nil {
			return nil, false, err
		}
		defer unlock()
		// Frozen by another while this one waited: that snapshot is the month's.
		if !req.Refreeze {
			if other, err := LoadSnapshot(ctx, db, month); err == nil {
				return other, false, nil
			} else if !errors.Is(err, ErrNoSnapshot) {
				return nil, false, err
			}
		}
	}
	cat, err := Metrics()
	if err != nil {
		return nil, false, err
	}
	if err := db.Sync(ctx); err != nil {
		return nil, false, err
	}
	if req.Check != nil {
		if err := req.Check(ctx); err != nil {
			return nil, false, err
		}
	}
	started := time.Now()
	s := &Snapshot{ID: uint64(started.UnixNano()), Month: month, AsOf: MonthEnd(month), CreatedBy: req.By, DefinitionsHash: cat.Hash}
	s.Compare = CompareAsOf(s.AsOf)
	if req.Refreeze {
		s.Reason = req.Reason
	}
	if err := s.build(ctx, db, cat, req); err != nil {
		dropSnapshot(ctx, db, s.ID) // best effort: rows without a header are never read
		return nil, false, err
	}
	s.CreatedAt = time.Now()
	if err := s.writeHeader(ctx, db); err != nil {
		dropSnapshot(ctx, db, s.ID)
		return nil, false, err
	}
	if req.Refreeze && old != nil {
		b, err := db.PrepareBatch(ctx, `INSERT INTO rpt_snapshot_refreeze
			(month, old_snapshot_id, new_snapshot_id, old_content_hash, new_content_hash, refrozen_at, refrozen_by, reason)`)
		if err == nil {
			err = b.Append(month, old.ID, s.ID, old.ContentHash, s.ContentHash, s.CreatedAt, req.By, req.Reason)
		}
		if err == nil {
			err = b.Send()
		}
		if err != nil {
			return nil, false, fmt.Errorf("record the refreeze of %s: %w", month.Format("2006-01"), err)
		}
	}
	return s, true, nil
}

// build computes the values and lists under the snapshot's id, reads them back as a Set, derives
// the frozen figures and hashes the whole.
func (s *Snapshot) build(ctx context.Context, db *warehouse.DB, cat *Catalogue, req FreezeRequest) error {
	if err := snapshotStore.compute(ctx, db, cat, s.ID, s.AsOf, s.Compare); err != nil {
		return err
	}
	targets, err := LoadTargets(ctx, db)
	if err != nil {
		return err
	}
	units := ReferenceUnits()
	ents, err := enterpriseUnitsOf(ctx, db, snapshotStore, s.ID)
	if err != nil {
		return err
	}
	if len(ents) > 0 {
		units["enterprise"] = ents
	}
	if s.Set, err = s.load(ctx, db, cat, frame{Targets: targets, Units: units}); err != nil {
		return err
	}
	if req.Derive != nil {
		if s.Derived, err = req.Derive(ctx, s.Set); err != nil {
			return err
		}
	}
	if s.Watermarks, err = watermarks(ctx, db); err != nil {
		return err
	}
	s.ContentHash, err = s.hash()
	return err
}

// load reads the snapshot's values and lists into a Set.
func (s *Snapshot) load(ctx context.Context, db *warehouse.DB, cat *Catalogue, f frame) (*Set, error) {
	vals, err := snapshotStore.loadValues(ctx, db, s.ID)
	if err != nil {
		return nil, err
	}
	set := NewSet(cat, f.Targets, f.Units, vals)
	set.AsOf, set.CompareAsOf, set.DefinitionsHash = s.AsOf, s.Compare, s.DefinitionsHash
	if set.Lists, err = snapshotStore.loadLists(ctx, db, s.ID, s.AsOf); err != nil {
		return nil, err
	}
	return set, nil
}

// frame is what the header stores besides the figures' rows.
func (s *Snapshot) frame() frame {
	return frame{Targets: SortTargets(s.Set.Targets), Units: s.Set.Units, Derived: s.Derived}
}

// hash is the sha256 of the canonical figures: every value and list row in a fixed order, and
// the frame's JSON (targets, units, derived figures). Ids and timestamps are left out, so two
// freezes of the same data hash the same.
func (s *Snapshot) hash() (string, error) {
	h := sha256.New()
	var lines []string
	for _, vs := range s.Set.series {
		for _, v := range vs {
			lines = append(lines, strings.Join([]string{v.Metric, v.AsOf.Format(time.DateOnly), v.Grain, v.Start.Format(time.DateOnly),
				v.End.Format(time.DateOnly), strconv.FormatBool(v.Partial), v.Dim, v.Code, fnum(v.Numerator), fnum(v.Denominator), fnum(v.Value)}, "\t"))
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		h.Write([]byte(l + "\n"))
	}
	for _, id := range sortedListIDs(s.Set.Lists) {
		for i, r := range s.Set.Lists[id].Rows {
			fmt.Fprintf(h, "list\t%s\t%d\t%s\n", id, i+1, strings.Join(r, "\t"))
		}
	}
	body, err := json.Marshal(s.frame()) // maps marshal in key order
	if err != nil {
		return "", err
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fnum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func sortedListIDs(m map[string]List) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Snapshot) writeHeader(ctx context.Context, db *warehouse.DB) error {
	body, err := json.Marshal(s.frame())
	if err != nil {
		return err
	}
	var srcs []string
	var marks []time.Time
	for _, w := range s.Watermarks {
		t := w.LastLoaded
		if t.IsZero() {
			t = time.Unix(0, 0) // DateTime's zero: never loaded
		}
		srcs, marks = append(srcs, w.Source), append(marks, t)
	}
	b, err := db.PrepareBatch(ctx, `INSERT INTO rpt_snapshot (snapshot_id, month, as_of, compare_as_of, definitions_hash,
		content_hash, sources, watermarks, frame, created_at, created_by, reason)`)
	if err != nil {
		return err
	}
	if err := b.Append(s.ID, s.Month, s.AsOf, s.Compare, s.DefinitionsHash, s.ContentHash, srcs, marks, string(body),
		s.CreatedAt, s.CreatedBy, s.Reason); err != nil {
		return err
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("record snapshot of %s: %w", s.Month.Format("2006-01"), err)
	}
	return nil
}

// LoadSnapshot reads the month's latest snapshot (ErrNoSnapshot when there is none).
func LoadSnapshot(ctx context.Context, db *warehouse.DB, month time.Time) (*Snapshot, error) {
	return loadSnapshot(ctx, db, "month = toDate(?) ORDER BY snapshot_id DESC LIMIT 1", PeriodStart("month", Day(month)).Format(time.DateOnly))
}

// LoadSnapshotID reads one snapshot by its id, a replaced one included.
func LoadSnapshotID(ctx context.Context, db *warehouse.DB, id uint64) (*Snapshot, error) {
	return loadSnapshot(ctx, db, "snapshot_id = ?", id)
}

func loadSnapshot(ctx context.Context, db *warehouse.DB, where string, arg any) (*Snapshot, error) {
	cat, err := Metrics()
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT snapshot_id, month, as_of, compare_as_of, definitions_hash, content_hash, sources, watermarks,
		frame, created_at, created_by, reason FROM rpt_snapshot WHERE `+where, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, ErrNoSnapshot
	}
	s := &Snapshot{}
	var srcs []string
	var marks []time.Time
	var body string
	if err := rows.Scan(&s.ID, &s.Month, &s.AsOf, &s.Compare, &s.DefinitionsHash, &s.ContentHash, &srcs, &marks, &body,
		&s.CreatedAt, &s.CreatedBy, &s.Reason); err != nil {
		return nil, err
	}
	rows.Close()
	s.Month, s.AsOf, s.Compare = Day(s.Month), Day(s.AsOf), Day(s.Compare)
	for i := range srcs {
		w := Watermark{Source: srcs[i], LastLoaded: marks[i]}
		if w.LastLoaded.Unix() <= 0 {
			w.LastLoaded = time.Time{}
		}
		s.Watermarks = append(s.Watermarks, w)
	}
	var f frame
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		return nil, fmt.Errorf("snapshot %d: frame: %w", s.ID, err)
	}
	s.Derived = f.Derived
	if s.Set, err = s.load(ctx, db, cat, f); err != nil {
		return nil, err
	}
	// The figures read back must be the ones frozen: a partition lost or altered is an error,
	// never a bulletin with other numbers under the old hash.
	if got, err := s.hash(); err != nil {
		return nil, err
	} else if got != s.ContentHash {
		return nil, fmt.Errorf("快照 %d（%s）内容与其哈希不符，数据可能被改动或丢失 (snapshot content does not match its hash %s: got %s)",
			s.ID, s.Month.Format("2006-01"), s.ContentHash, got)
	}
	return s, nil
}

// Snapshots lists every snapshot's header, newest month first, replaced ones included.
func Snapshots(ctx context.Context, db *warehouse.DB) ([]Snapshot, error) {
	rows, err := db.Query(ctx, `SELECT snapshot_id, month, as_of, content_hash, created_at, created_by, reason
		FROM rpt_snapshot ORDER BY month DESC, snapshot_id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Snapshot
	for rows.Next() {
		var s Snapshot
		if err := rows.Scan(&s.ID, &s.Month, &s.AsOf, &s.ContentHash, &s.CreatedAt, &s.CreatedBy, &s.Reason); err != nil {
			return nil, err
		}
		s.Month, s.AsOf = Day(s.Month), Day(s.AsOf)
		out = append(out, s)
	}
	return out, rows.Err()
}

// DerivedByMonth reads one derived figure (the ranking …) of every month's latest snapshot, by
// the month's cut-off, oldest first: what earlier bulletins published, for histories.
func DerivedByMonth(ctx context.Context, db *warehouse.DB, name string) (map[time.Time]json.RawMessage, error) {
	rows, err := db.Query(ctx, `SELECT as_of, frame FROM rpt_snapshot
		WHERE (month, snapshot_id) IN (SELECT month, max(snapshot_id) FROM rpt_snapshot GROUP BY month)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[time.Time]json.RawMessage{}
	for rows.Next() {
		var asOf time.Time
		var body string
		if err := rows.Scan(&asOf, &body); err != nil {
			return nil, err
		}
		var f frame
		if err := json.Unmarshal([]byte(body), &f); err != nil {
			return nil, fmt.Errorf("snapshot as of %s: frame: %w", asOf.Format(time.DateOnly), err)
		}
		if d, ok := f.Derived[name]; ok {
			out[Day(asOf)] = d
		}
	}
	return out, rows.Err()
}

// watermarks reads each source's last successful load from etl_runs.
func watermarks(ctx context.Context, db *warehouse.DB) ([]Watermark, error) {
	rows, err := db.Query(ctx, `SELECT source, maxIf(finished_at, status = 'ok'), countIf(status = 'ok')
		FROM etl_runs GROUP BY source ORDER BY source`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Watermark
	for rows.Next() {
		var w Watermark
		var ok uint64
		if err := rows.Scan(&w.Source, &w.LastLoaded, &ok); err != nil {
			return nil, err
		}
		if ok == 0 {
			w.LastLoaded = time.Time{}
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

func dropSnapshot(ctx context.Context, db *warehouse.DB, id uint64) {
	for _, table := range []string{snapshotStore.values, snapshotStore.lists} {
		_ = db.DropPartition(ctx, table, id)
	}
}
