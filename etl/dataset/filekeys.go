package dataset

// FileKeys carries a file's keys from one chunk to the next, so that the duplicate key check
// spans the whole file and not one chunk (a file of 730,876 rows read in 50,000-row chunks
// let a row with row 12's key and other content through). It holds, for each loaded key, a
// 64-bit hash of the key and of the row's text, the row's number and (for datasets with
// UpdatedAt) its stamp, for as long as the file loads; a hash shared by two different keys
// (odds about n²/2⁶⁵: 10⁻⁸ for a million keys) would quarantine the second as a duplicate of
// the first.
//
// The keys live in an open-addressing table of parallel arrays, 20 bytes a slot (28 with
// stamps) filled to between 53 % and 80 %: 25-38 bytes a key, where a Go map of the same
// entries took 57-84 (the scale-10 hazard_events.jsonl, 1,097,196 keys: 84 MB, a third of
// the whole load's peak). It is split by the hash's top byte into 256 shards that grow one
// at a time, so growing never holds two copies of the whole table.
type FileKeys struct {
	shards []keyShard // nil between files
}

// keyShards is how many shards a file's keys are split into (by the hash's top byte).
const keyShards = 256

// keyShard is one part of FileKeys: slot i holds hash[i] (0: empty), text[i], row[i] and, once a
// stamp other than 0 was stored, stamp[i]. Slots are probed linearly from the one the hash's
// low 32 bits pick.
type keyShard struct {
	hash, text []uint64
	row        []uint32
	stamp      []int64 // nil while every stamp stored is 0 (datasets without UpdatedAt)
	n          int     // slots in use
}

// fileKey is what FileKeys holds of a loaded row.
type fileKey struct {
	text  uint64
	stamp int64
	row   int
}

// Reset forgets the file: the next chunk starts another.
func (f *FileKeys) Reset() { f.shards = nil }

// slot finds the slot of key hash h, growing its shard first when one more key would fill it
// past 80 %; ok says whether h is there. sizeHint (keys expected in the file so far) sizes
// the shards of a new file.
func (f *FileKeys) slot(h uint64, sizeHint int) (s *keyShard, i int, ok bool) {
	if f.shards == nil {
		f.shards = make([]keyShard, keyShards)
		c := 16 + sizeHint*2/keyShards // a file read in chunks has at least a second one
		for j := range f.shards {
			f.shards[j].resize(c)
		}
	}
	h = keyHash(h)
	s = &f.shards[h>>56]
	if (s.n+1)*5 > len(s.hash)*4 {
		s.resize(len(s.hash) * 3 / 2)
	}
	i = s.find(h)
	return s, i, s.hash[i] == h
}

// keyHash is the hash a key is stored under: 0 marks an empty slot, so a key hashed to 0 is
// stored as 1 (it then shares its hash with the keys hashed to 1; odds 2⁻⁶³ a key).
func keyHash(h uint64) uint64 {
	if h == 0 {
		return 1
	}
	return h
}

// at returns what slot i holds.
func (s *keyShard) at(i int) fileKey {
	k := fileKey{text: s.text[i], row: int(s.row[i])}
	if s.stamp != nil {
		k.stamp = s.stamp[i]
	}
	return k
}

// set stores k under key hash h in slot i (found by slot for h), in place of what it held.
// Row numbers above 2³²−1 (a file of 4 billion rows) would be stored modulo 2³², only in the
// message naming the first row.
func (s *keyShard) set(i int, h uint64, k fileKey) {
	if s.hash[i] == 0 {
		s.n++
	}
	s.hash[i], s.text[i], s.row[i] = keyHash(h), k.text, uint32(k.row)
	if k.stamp != 0 && s.stamp == nil {
		s.stamp = make([]int64, len(s.hash))
	}
	if s.stamp != nil {
		s.stamp[i] = k.stamp
	}
}

// find returns the slot holding h, or the empty slot where h would go.
func (s *keyShard) find(h uint64) int {
	c := len(s.hash)
	i := int(uint64(uint32(h)) * uint64(c) >> 32) // the low 32 bits scaled to [0, c)
	for s.hash[i] != h && s.hash[i] != 0 {
		if i++; i == c {
			i = 0
		}
	}
	return i
}

// resize moves the shard's keys into c slots.
func (s *keyShard) resize(c int) {
	old := *s
	*s = keyShard{hash: make([]uint64, c), text: make([]uint64, c), row: make([]uint32, c), n: old.n}
	if old.stamp != nil {
		s.stamp = make([]int64, c)
	}
	for j, h := range old.hash {
		if h == 0 {
			continue
		}
		i := s.find(h)
		s.hash[i], s.text[i], s.row[i] = h, old.text[j], old.row[j]
		if s.stamp != nil {
			s.stamp[i] = old.stamp[j]
		}
	}
}
