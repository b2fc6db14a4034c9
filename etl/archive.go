package etl

import (
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"safetydw/etl/dataset"
	"safetydw/etl/landing"
)

// archiveQueue bounds the batches waiting for the archive writer: enough to let the Parquet
// encoding of one batch overlap the insert of the next, few enough that memory stays flat
// when the disk is slower than the server.
const archiveQueue = 1

// archiver writes stored batches to the landing archive on a goroutine of its own, so the
// Parquet encoding overlaps the insert instead of holding up validation or the insert. A
// checkpoint waits for it (wait) before it moves: a batch whose file is marked loaded or
// whose watermark is stored is always in the archive.
type archiver struct {
	r       *Runner
	jobs    chan archiveJob
	pending sync.WaitGroup // jobs queued or being written
	ended   chan struct{}
	mu      sync.Mutex
	err     error // the first failure; later jobs are dropped
	// open is the archive file of a file read in chunks, until its last chunk; locator names it.
	// Only the writer's goroutine touches them.
	open    *landing.Writer
	locator string
}

// archiveJob is one batch as it goes into ClickHouse; the job holds a reference to its
// records, released once they are written.
type archiveJob struct {
	ds      *dataset.Dataset
	source  string
	locator string
	id      string
	file    bool // a file's (chunk): a later sending of the same file replaces it on replay
	more    bool // a chunk of a file with more to come
	recs    []arrow.RecordBatch
	rejects arrow.RecordBatch
}

// newArchiver starts the writer; with no landing folder it archives nothing.
func (r *Runner) newArchiver() *archiver {
	a := &archiver{r: r, jobs: make(chan archiveJob, archiveQueue), ended: make(chan struct{})}
	if r.Landing == "" {
		close(a.ended)
		return a
	}
	go func() {
		defer close(a.ended)
		for j := range a.jobs {
			a.mu.Lock()
			failed := a.err != nil
			a.mu.Unlock()
			if !failed {
				if err := a.write(j); err != nil {
					a.mu.Lock()
					a.err = err
					a.mu.Unlock()
				}
			}
			j.release()
			a.pending.Done()
		}
		// A file whose last chunk never came (the load stopped) is not archived: its rows did
		// not go into the table either (its INSERT was given up).
		a.drop()
	}()
	return a
}

// add queues a prepared batch's rows and rejects; it blocks while the queue is full.
func (a *archiver) add(ds *dataset.Dataset, src SourceConfig, p prepared) {
	if a.r.Landing == "" {
		return
	}
	j := archiveJob{ds: ds, source: src.Name, locator: p.b.Locator, id: p.id, file: p.b.Hash != "", more: p.b.More, rejects: p.rejects}
	if p.res != nil {
		j.recs = p.res.Records
	}
	for _, rec := range j.recs {
		rec.Retain()
	}
	if j.rejects != nil {
		j.rejects.Retain()
	}
	a.pending.Add(1)
	a.jobs <- j
}

// wait returns once every queued batch is written, with the first error of the writer.
func (a *archiver) wait() error {
	a.pending.Wait()
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// close stops the writer after the queued batches and waits for it.
func (a *archiver) close() {
	close(a.jobs)
	<-a.ended
}

func (j archiveJob) release() {
	for _, rec := range j.recs {
		rec.Release()
	}
	if j.rejects != nil {
		j.rejects.Release()
	}
}

// write archives the batch's rows and rejects. The chunks of a file read in chunks go into one
// archive file, named by its first chunk, that is in the archive once its last chunk is written
// (the file counts as loaded only then, too); another batch is a file of its own. A file's rows
// are marked as a whole file's, so a replay keeps only the latest sending of each file; a
// sending of which no row loaded is archived as a record of no rows, or a replay would bring
// back the rows of the one before.
func (a *archiver) write(j archiveJob) error {
	if j.rejects != nil {
		// Quarantine rows keep every sending's, as the live table does.
		if _, err := landing.Archive(a.r.Landing, "etl_quarantine", j.source, j.locator, j.id, false, []arrow.RecordBatch{j.rejects}); err != nil {
			return err
		}
	}
	if a.open != nil && a.locator != j.locator {
		a.drop() // a file that stopped before its last chunk
	}
	if !j.file || (!j.more && a.open == nil) {
		return j.writeAlone(a.r.Landing)
	}
	if n := rows(j.recs); n > 0 {
		if a.open != nil && !a.open.Takes(j.recs) {
			// A value written once for the rows so far changes here: the rest go to a file of
			// their own, named by this chunk.
			if err := a.finish(); err != nil {
				return err
			}
		}
		if a.open == nil {
			w, err := landing.Create(a.r.Landing, j.ds.Table, j.source, j.locator, j.id, true, j.recs)
			if err != nil {
				return err
			}
			a.open, a.locator = w, j.locator
		}
		if err := a.open.Write(j.recs); err != nil {
			a.drop()
			return err
		}
	}
	if j.more {
		return nil
	}
	if a.open == nil { // no row of the file loaded
		return j.writeAlone(a.r.Landing)
	}
	return a.finish()
}

// finish puts the open file in the archive.
func (a *archiver) finish() error {
	w := a.open
	a.open, a.locator = nil, ""
	_, err := w.Close()
	return err
}

// drop gives up the open file.
func (a *archiver) drop() {
	if a.open != nil {
		a.open.Abort()
		a.open, a.locator = nil, ""
	}
}

func rows(recs []arrow.RecordBatch) int64 {
	var n int64
	for _, rec := range recs {
		n += rec.NumRows()
	}
	return n
}

// writeAlone archives the batch's rows as a file of their own.
func (j archiveJob) writeAlone(dir string) error {
	recs := j.recs
	if len(recs) == 0 && j.file {
		rb := array.NewRecordBuilder(memory.DefaultAllocator, j.ds.Schema())
		empty := rb.NewRecordBatch()
		rb.Release()
		defer empty.Release()
		recs = []arrow.RecordBatch{empty}
	}
	_, err := landing.Archive(dir, j.ds.Table, j.source, j.locator, j.id, j.file, recs)
	return err
}
