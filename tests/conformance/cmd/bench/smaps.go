package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Where a process's resident memory goes, from /proc/<pid>/smaps: idle_rss_kib alone does not
// say whether it is our code, the guest's, libraries, heap, thread stacks or touched wasm slots.

// mapping is one entry of /proc/<pid>/smaps.
type mapping struct {
	start, end uint64
	perms      string // e.g. "r-xp"
	path       string // "" when anonymous; "[heap]", "[stack]", "[vdso]"... for the kernel's names
	rssKiB     int64
}

func (m mapping) sizeKiB() int64 { return int64(m.end-m.start) >> 10 }

// anonymous says whether no file backs the mapping: no path, or a name given with
// prctl(PR_SET_VMA_ANON_NAME), which the kernel shows as [anon:<name>].
func (m mapping) anonymous() bool {
	return m.path == "" || strings.HasPrefix(m.path, "[anon:")
}

// The categories, in the order they are printed. Every mapping falls in exactly one.
var memCategories = []string{"host_code", "guest_code", "libs", "heap", "thread_stacks", "wasm_reservations", "other"}

const (
	hostExeSuffix = "/server/dist/plugin-linux-amd64"
	// Thread stacks are 64 KiB to 16 MiB (Rust's default is 2 MiB, glibc's 8 MiB); a wasm slot
	// reservation is larger than any of them.
	minStackKiB       = 64
	maxStackKiB       = 16 << 10
	maxGuardKiB       = 64      // a page by default; glibc malloc's arenas leave tens of MiB of ---p
	minReservationKiB = 1 << 20 // 1 GiB
)

// parseSmaps reads the mappings of an smaps file: a header line per mapping
// ("start-end perms offset dev inode [path]") followed by "Key: value" lines, of which only Rss
// is read. The mappings come back in address order, as the kernel lists them.
func parseSmaps(r io.Reader) ([]mapping, error) {
	var maps []mapping
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m, ok, err := parseSmapsHeader(line); err != nil {
			return nil, err
		} else if ok {
			maps = append(maps, m)
			continue
		}
		if rest, ok := strings.CutPrefix(line, "Rss:"); ok {
			if len(maps) == 0 {
				return nil, fmt.Errorf("smaps: Rss before the first mapping")
			}
			kib, err := parseKB(rest)
			if err != nil {
				return nil, fmt.Errorf("smaps: %q: %v", line, err)
			}
			maps[len(maps)-1].rssKiB = kib
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(maps, func(i, j int) bool { return maps[i].start < maps[j].start })
	return maps, nil
}

// parseSmapsHeader recognises a mapping's header line by its first field, an address range;
// ok is false for the "Key: value" lines.
func parseSmapsHeader(line string) (m mapping, ok bool, err error) {
	fields := strings.Fields(line)
	if len(fields) < 5 || strings.HasSuffix(fields[0], ":") {
		return mapping{}, false, nil
	}
	lo, hi, found := strings.Cut(fields[0], "-")
	if !found {
		return mapping{}, false, nil
	}
	start, err1 := strconv.ParseUint(lo, 16, 64)
	end, err2 := strconv.ParseUint(hi, 16, 64)
	if err1 != nil || err2 != nil || end < start {
		return mapping{}, false, fmt.Errorf("smaps: bad address range in %q", line)
	}
	m = mapping{start: start, end: end, perms: fields[1]}
	// The path is the rest of the line after the inode; it may contain spaces ("... (deleted)").
	if len(fields) > 5 {
		m.path = afterFields(line, 5)
	}
	return m, true, nil
}

// afterFields returns what follows the first n whitespace-separated fields of line, trimmed.
func afterFields(line string, n int) string {
	rest := line
	for range n {
		rest = strings.TrimLeft(rest, " \t")
		if i := strings.IndexAny(rest, " \t"); i >= 0 {
			rest = rest[i:]
		} else {
			return ""
		}
	}
	return strings.TrimSpace(rest)
}

func parseKB(s string) (int64, error) {
	s = strings.TrimSpace(s)
	num, ok := strings.CutSuffix(s, " kB")
	if !ok {
		return 0, fmt.Errorf("not a kB figure")
	}
	return strconv.ParseInt(strings.TrimSpace(num), 10, 64)
}

// categorize returns the category of each mapping (maps in address order, as parseSmaps gives
// them).
func categorize(maps []mapping) []string {
	out := make([]string, len(maps))
	for i, m := range maps {
		var prev *mapping
		if i > 0 {
			prev = &maps[i-1]
		}
		out[i] = category(m, prev)
	}
	return out
}

// category puts a mapping in one category; prev is the mapping just below it, if any.
func category(m mapping, prev *mapping) string {
	path := strings.TrimSuffix(m.path, " (deleted)")
	switch {
	case strings.HasSuffix(path, hostExeSuffix):
		return "host_code"
	case strings.HasSuffix(path, ".cwasm"):
		// The code, and also the guest's initial memory: with copy-on-write memory images
		// wasmtime maps the data from the .cwasm into the slot (pages the guest wrote stay in
		// this mapping's Rss too, as private copies).
		return "guest_code"
	case path == "[heap]":
		return "heap"
	case path == "[stack]":
		return "thread_stacks"
	case m.anonymous():
		return anonymousCategory(m, prev)
	case strings.HasPrefix(path, "["):
		return "other" // [vdso], [vvar], [vsyscall], ...
	default:
		return "libs"
	}
}

func anonymousCategory(m mapping, prev *mapping) string {
	size := m.sizeKiB()
	if size >= minReservationKiB {
		// wasmtime's pooling allocator reserves address space for all its instance slots at
		// once; only the pages instances touched (and that were not given back) are resident.
		return "wasm_reservations"
	}
	// A heuristic: glibc (and so Rust's std::thread) maps a thread's stack with an inaccessible
	// guard just below it, so a rw mapping of a stack's size directly above a small ---p mapping
	// is taken for a stack. Anything else that happens to look the same is counted as one too
	// (wasmtime's pool of fiber stacks looks the same, but is not touched without async). The
	// guard must be small: glibc malloc's arenas are 64 MiB reservations, rw at the bottom and
	// ---p above, and the next arena's rw part lies right above that ---p; the plugin process has
	// several, and they would pass for stacks.
	if strings.HasPrefix(m.perms, "rw") && prev != nil && prev.perms == "---p" && prev.end == m.start &&
		prev.sizeKiB() <= maxGuardKiB && size >= minStackKiB && size <= maxStackKiB {
		return "thread_stacks"
	}
	return "heap"
}

// memBreakdown is the Rss of a process by category, and its largest mappings.
type memBreakdown struct {
	byCategory map[string]int64
	totalKiB   int64 // the sum of every mapping's Rss
	largest    []mapping
}

// breakDown sums Rss by category; it fails when the categories do not add up to the total.
func breakDown(maps []mapping, largest int) (memBreakdown, error) {
	b := memBreakdown{byCategory: map[string]int64{}}
	for i, cat := range categorize(maps) {
		b.byCategory[cat] += maps[i].rssKiB
		b.totalKiB += maps[i].rssKiB
	}
	var sum int64
	for _, cat := range memCategories {
		sum += b.byCategory[cat]
	}
	if sum != b.totalKiB || len(b.byCategory) > len(memCategories) {
		return b, fmt.Errorf("the categories sum to %d KiB, the mappings to %d KiB (categories %v)", sum, b.totalKiB, b.byCategory)
	}
	sorted := append([]mapping(nil), maps...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].rssKiB > sorted[j].rssKiB })
	b.largest = sorted[:min(largest, len(sorted))]
	return b, nil
}

// readMemBreakdown reads /proc/<pid>/smaps.
func readMemBreakdown(pid, largest int) (memBreakdown, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return memBreakdown{}, err
	}
	defer f.Close()
	maps, err := parseSmaps(f)
	if err != nil {
		return memBreakdown{}, fmt.Errorf("/proc/%d/smaps: %v", pid, err)
	}
	return breakDown(maps, largest)
}

// threadCount counts the entries of /proc/<pid>/task, one per thread.
func threadCount(pid int) (int, error) {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, err
	}
	return len(entries), nil
}

func (b memBreakdown) print(prefix string) {
	for _, cat := range memCategories {
		fmt.Printf("%s_%s_kib: %d\n", prefix, cat, b.byCategory[cat])
	}
	fmt.Printf("%s_total_kib: %d\n", prefix, b.totalKiB)
	for i, m := range b.largest {
		path := m.path
		if path == "" {
			path = "[anon]"
		}
		fmt.Printf("%s_largest_%d: %d KiB %s %d KiB %s\n", prefix, i+1, m.rssKiB, m.perms, m.sizeKiB(), path)
	}
}
