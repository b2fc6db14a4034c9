package dataset

import "testing"

// splitmix gives well spread 64-bit test hashes, the same on every run.
func splitmix(i uint64) uint64 {
	z := i*0x9e3779b97f4a7c15 + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// FileKeys keeps every key's text, row and stamp through its shards' growth, in 20 bytes a
// slot. 100,000 keys, 390.6 a shard on average: a shard starts at 16 slots and grows by half
// when a key would fill it past 80 %: 16, 24, 36, 54, 81, 121, 181, 271, 406, 609. 406 slots
// hold up to 324 keys, 609 up to 487, so every shard (325-487 keys here) ends at 609 slots:
// 256 × 609 = 155,904 slots, 3,118,080 bytes, 31.2 bytes a key (a Go map: 57-84).
func TestFileKeysGrowKeepsKeys(t *testing.T) {
	var f FileKeys
	const n = 100000
	put := func(h uint64, k fileKey) {
		s, i, _ := f.slot(h, 0)
		s.set(i, h, k)
	}
	for i := uint64(0); i < n; i++ {
		put(splitmix(i), fileKey{text: i * 7, row: int(i) + 2})
	}
	// A later state of key 5 with a stamp: from then on the shards keep stamps, 0 for the others.
	put(splitmix(5), fileKey{text: 1, stamp: 1700000000, row: n + 2})
	for i := uint64(0); i < n; i++ {
		s, j, ok := f.slot(splitmix(i), 0)
		want := fileKey{text: i * 7, row: int(i) + 2}
		if i == 5 {
			want = fileKey{text: 1, stamp: 1700000000, row: n + 2}
		}
		if got := s.at(j); !ok || got != want {
			t.Fatalf("key %d: got %+v (found %v), want %+v", i, got, ok, want)
		}
	}
	if _, _, ok := f.slot(splitmix(n), 0); ok {
		t.Fatal("a key never stored was found")
	}
	slots, keys := 0, 0
	for _, s := range f.shards {
		if s.n < 325 || s.n > 487 {
			t.Errorf("a shard holds %d keys, outside 325-487: the hand count above no longer holds", s.n)
		}
		slots += len(s.hash)
		keys += s.n
	}
	if keys != n || slots != 155904 {
		t.Errorf("%d keys in %d slots, want %d in 155904", keys, slots, n)
	}
	f.Reset()
	if _, _, ok := f.slot(splitmix(1), 0); ok {
		t.Error("Reset kept a key")
	}
}

// 0 marks an empty slot: a key hashed to 0 is stored as 1, so it is found, and shares its
// slot with a key hashed to 1.
func TestFileKeysZeroHash(t *testing.T) {
	var f FileKeys
	s, i, ok := f.slot(0, 0)
	if ok {
		t.Fatal("an empty FileKeys found hash 0")
	}
	s.set(i, 0, fileKey{text: 42, row: 3})
	if s, i, ok := f.slot(0, 0); !ok || s.at(i).text != 42 {
		t.Errorf("hash 0 not found after storing it: %v %+v", ok, s.at(i))
	}
	if s, i, ok := f.slot(1, 0); !ok || s.at(i).row != 3 {
		t.Errorf("hash 1 should find the key stored under 0: %v %+v", ok, s.at(i))
	}
}
