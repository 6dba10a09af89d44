package main

import (
	"strings"
	"testing"
)

// A trimmed smaps of the plugin process: each mapping keeps only the lines the parser must
// read or skip. Rss figures are chosen so every category has a distinct total.
const smapsSample = `55d0c4a00000-55d0c4a21000 r--p 00000000 08:01 1234                       /tmp/b/plugins/incident-response/server/dist/plugin-linux-amd64
Size:                132 kB
Rss:                 100 kB
Pss:                 100 kB
VmFlags: rd mr mw me dw sd
55d0c4a21000-55d0c4c00000 r-xp 00021000 08:01 1234                       /tmp/b/plugins/incident-response/server/dist/plugin-linux-amd64
Size:               1916 kB
Rss:                1000 kB
VmFlags: rd ex mr mw me dw sd
55d0c5000000-55d0c5100000 rw-p 00000000 00:00 0                          [heap]
Size:               1024 kB
Rss:                 500 kB
7f0000000000-7f0040000000 ---p 00000000 00:00 0 
Size:            1048576 kB
Rss:                   0 kB
7f0040000000-7f0100000000 rw-p 00000000 00:00 0 
Size:            3145728 kB
Rss:                  64 kB
7f1000000000-7f1000200000 r-xp 00010000 08:01 99                         /tmp/b/plugins/incident-response/server/dist/incident-linux-amd64.cwasm
Size:               2048 kB
Rss:                 700 kB
7f1800000000-7f1800048000 rw-p 00000000 00:00 0 
Size:                288 kB
Rss:                 288 kB
7f1800048000-7f1804000000 ---p 00000000 00:00 0 
Size:              65248 kB
Rss:                   0 kB
7f1804000000-7f1804021000 rw-p 00000000 00:00 0 
Size:                132 kB
Rss:                  50 kB
7f2000000000-7f2000001000 ---p 00000000 00:00 0 
Size:                  4 kB
Rss:                   0 kB
7f2000001000-7f2000201000 rw-p 00000000 00:00 0 
Size:               2048 kB
Rss:                  16 kB
7f2000201000-7f2000301000 rw-p 00000000 00:00 0 
Size:               1024 kB
Rss:                  30 kB
7f3000000000-7f3000010000 r-xp 00000000 08:01 42                         /usr/lib/x86_64-linux-gnu/libc.so.6
Size:                 64 kB
Rss:                  40 kB
7f3000100000-7f3000101000 rw-p 00000000 00:00 0                          [anon:glibc malloc]
Size:                  4 kB
Rss:                   4 kB
7f3000200000-7f3000201000 rw-s 00000000 00:05 7                          /memfd:doc (deleted)
Size:                  4 kB
Rss:                   2 kB
7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]
Size:                132 kB
Rss:                  12 kB
7ffd00100000-7ffd00102000 r-xp 00000000 00:00 0                          [vdso]
Size:                  8 kB
Rss:                   4 kB
`

func TestParseSmaps(t *testing.T) {
	maps, err := parseSmaps(strings.NewReader(smapsSample))
	if err != nil {
		t.Fatal(err)
	}
	if len(maps) != 17 {
		t.Fatalf("%d mappings, want 17", len(maps))
	}
	if m := maps[14]; m.path != "/memfd:doc (deleted)" || m.perms != "rw-s" || m.rssKiB != 2 || m.sizeKiB() != 4 {
		t.Errorf("memfd mapping parsed as %+v", m)
	}
	if m := maps[3]; m.path != "" || m.sizeKiB() != 1<<20 {
		t.Errorf("anonymous reservation parsed as %+v", m)
	}

	b, err := breakDown(maps, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		"host_code":  1100,
		"guest_code": 700,
		"libs":       42, // libc and the memfd
		// [heap], two malloc arenas (the second right above the first's 64 MiB ---p: no stack),
		// the rw mapping above a stack, a named anon mapping; the 4 KiB guard has none
		"heap":              500 + 288 + 50 + 30 + 4,
		"thread_stacks":     16 + 12, // guard-then-2 MiB, and [stack]
		"wasm_reservations": 64,      // the 1 GiB ---p and the 3 GiB rw
		"other":             4,       // [vdso]
	}
	for _, cat := range memCategories {
		if b.byCategory[cat] != want[cat] {
			t.Errorf("%s: %d KiB, want %d", cat, b.byCategory[cat], want[cat])
		}
	}
	if b.totalKiB != 2810 {
		t.Errorf("total %d KiB, want 2810", b.totalKiB)
	}
	if len(b.largest) != 3 || b.largest[0].rssKiB != 1000 || b.largest[1].rssKiB != 700 || b.largest[2].rssKiB != 500 {
		t.Errorf("largest: %+v", b.largest)
	}
}

func TestSmapsRejectsGarbage(t *testing.T) {
	if _, err := parseSmaps(strings.NewReader("Rss: 4 kB\n")); err == nil {
		t.Error("Rss before any mapping was accepted")
	}
	if _, err := parseSmaps(strings.NewReader("zz-10 rw-p 0 00:00 0\n")); err == nil {
		t.Error("a bad address range was accepted")
	}
}
