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
}

// archiveJob is one batch as it goes into ClickHouse; the job holds a reference to its
// records, released once they are written.
type archiveJob struct {
	ds      *dataset.Dataset
	source  string
	locator string
	id      string
	file    bool // a file's (chunk): a later sending of the same file replaces it on replay
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
				if err := j.write(r.Landing); err != nil {
					a.mu.Lock()
					a.err = err
					a.mu.Unlock()
				}
			}
			j.release()
			a.pending.Done()
		}
	}()
	return a
}

// add queues a prepared batch's rows and rejects; it blocks while the queue is full.
func (a *archiver) add(ds *dataset.Dataset, src SourceConfig, p prepared) {
	if a.r.Landing == "" {
		return
	}
	j := archiveJob{ds: ds, source: src.Name, locator: p.b.Locator, id: p.id, file: p.b.Hash != "", rejects: p.rejects}
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

// write archives the batch's rows and rejects. A file's rows are marked as a whole file's, so
// a replay keeps only the latest sending of each file; a sending of which no row loaded is
// archived as a record of no rows, or a replay would bring back the rows of the one before.
func (j archiveJob) write(dir string) error {
	recs := j.recs
	if len(recs) == 0 && j.file {
		rb := array.NewRecordBuilder(memory.DefaultAllocator, j.ds.Schema())
		empty := rb.NewRecordBatch()
		rb.Release()
		defer empty.Release()
		recs = []arrow.RecordBatch{empty}
	}
	if _, err := landing.Archive(dir, j.ds.Table, j.source, j.locator, j.id, j.file, recs); err != nil {
		return err
	}
	if j.rejects != nil {
		// Quarantine rows keep every sending's, as the live table does.
		if _, err := landing.Archive(dir, "etl_quarantine", j.source, j.locator, j.id, false, []arrow.RecordBatch{j.rejects}); err != nil {
			return err
		}
	}
	return nil
}
