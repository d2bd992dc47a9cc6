package main

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"testing"
)

// A /proc/PID/stat line of a process whose name has spaces and parentheses.
const statLine = "4242 (atrium (serve) x) S 4200 4242 4242 0 -1 4194304 9 0 0 0 " +
	"150 25 7 3 20 0 12 0 364978 3133440 408 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"

func TestParseStat(t *testing.T) {
	t.Parallel()
	got, err := parseStat([]byte(statLine))
	if err != nil {
		t.Fatal(err)
	}
	if want := (procStat{PPID: 4200, Ticks: 150 + 25 + 7 + 3}); got != want {
		t.Errorf("parseStat = %+v, want %+v", got, want)
	}
	for _, bad := range []string{"", "1 (x) S 1 2 3", "1 (x) S notanumber 1 1 0 -1 0 0 0 0 0 1 1 1 1 20"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) accepted it", bad)
		}
	}
}

func TestParseStatOfThisProcess(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	st, err := parseStat(b)
	if err != nil {
		t.Fatal(err)
	}
	if st.PPID != os.Getppid() {
		t.Errorf("ppid %d, want %d", st.PPID, os.Getppid())
	}
}

func TestParseStatusKB(t *testing.T) {
	t.Parallel()
	status := "Name:\tatrium\nVmPeak:\t 1268420 kB\nVmHWM:\t   51236 kB\nVmRSS:\t   48000 kB\nThreads:\t9\n"
	for key, want := range map[string]int64{"VmHWM": 51236, "VmRSS": 48000} {
		got, err := parseStatusKB([]byte(status), key)
		if err != nil || got != want {
			t.Errorf("%s = %d, %v; want %d", key, got, err, want)
		}
	}
	if _, err := parseStatusKB([]byte("Name:\tkthreadd\nThreads:\t1\n"), "VmHWM"); err == nil {
		t.Error("missing VmHWM not reported")
	}
	meminfo := "MemTotal:       24684092 kB\nMemFree:        1000 kB\n"
	if got, err := parseStatusKB([]byte(meminfo), "MemTotal"); err != nil || got != 24684092 {
		t.Errorf("MemTotal = %d, %v", got, err)
	}
}

// fakeProc writes a /proc with the given processes: pid -> ppid, ticks, VmHWM kB.
func fakeProc(t *testing.T, procs map[int][3]int) procFS {
	t.Helper()
	root := t.TempDir()
	for pid, p := range procs {
		dir := filepath.Join(root, strconv.Itoa(pid))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		stat := strconv.Itoa(pid) + " (p) S " + strconv.Itoa(p[0]) + " 1 1 0 -1 0 0 0 0 0 " +
			strconv.Itoa(p[1]) + " 0 0 0 20 0 1 0\n"
		status := "Name:\tp\nVmHWM:\t" + strconv.Itoa(p[2]) + " kB\n"
		if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(stat), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "status"), []byte(status), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Entries that are not processes are ignored.
	if err := os.WriteFile(filepath.Join(root, "meminfo"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return procFS{Root: root}
}

func TestProcessTree(t *testing.T) {
	t.Parallel()
	// 10 (a shell) runs 11 (the gateway), which runs 12; 20 is unrelated.
	pfs := fakeProc(t, map[int][3]int{
		1:  {0, 5, 100},
		10: {1, 2, 1000},
		11: {10, 300, 50000},
		12: {11, 40, 7000},
		20: {1, 999, 1},
	})
	pids, err := pfs.tree(10)
	if err != nil {
		t.Fatal(err)
	}
	sort.Ints(pids)
	if !reflect.DeepEqual(pids, []int{10, 11, 12}) {
		t.Errorf("tree(10) = %v", pids)
	}
	if ticks, err := pfs.cpuTicks(10); err != nil || ticks != 342 {
		t.Errorf("cpuTicks(10) = %d, %v; want 342", ticks, err)
	}
	if kb, err := pfs.peakRSSKB(10); err != nil || kb != 58000 {
		t.Errorf("peakRSSKB(10) = %d, %v; want 58000", kb, err)
	}
	if _, err := pfs.cpuTicks(99); err == nil {
		t.Error("cpuTicks of a missing process did not fail")
	}
}

func TestProcOfThisProcess(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	pfs := procFS{Root: "/proc"}
	if kb, err := pfs.peakRSSKB(os.Getpid()); err != nil || kb <= 0 {
		t.Errorf("peakRSSKB(self) = %d, %v", kb, err)
	}
	if _, err := pfs.cpuTicks(os.Getpid()); err != nil {
		t.Errorf("cpuTicks(self): %v", err)
	}
	if tick := clockTicks(); tick <= 0 {
		t.Errorf("clockTicks = %v", tick)
	}
}

func TestParseMachineStat(t *testing.T) {
	t.Parallel()
	stat := "cpu  100 5 50 1000 20 3 2 10 7 0\ncpu0 50 2 25 500 10 1 1 5 3 0\nintr 1\n"
	busy, total, err := parseMachineStat([]byte(stat))
	if err != nil || busy != 170 || total != 1190 {
		t.Errorf("parseMachineStat = %d, %d, %v; want 170, 1190", busy, total, err)
	}
	if _, _, err := parseMachineStat([]byte("intr 1\n")); err == nil {
		t.Error("a /proc/stat without the cpu line was accepted")
	}
}

func TestOthersShare(t *testing.T) {
	t.Parallel()
	a := cpuSample{busy: 1000, total: 5000, ours: 300}
	// 400 ticks in all, 300 busy, of which ours 200: others 100 = 25%.
	b := cpuSample{busy: 1300, total: 5400, ours: 500}
	if got := othersShare(a, b); got != 0.25 {
		t.Errorf("othersShare = %v, want 0.25", got)
	}
	// Ours counted more than the machine (the counters are not read at one instant): 0.
	b.ours = 700
	if got := othersShare(a, b); got != 0 {
		t.Errorf("othersShare = %v, want 0", got)
	}
	if got := othersShare(a, a); got != 0 {
		t.Errorf("othersShare with no time = %v", got)
	}
	if _, err := (procFS{Root: "/proc"}).sample(os.Getpid(), os.Getpid()); err != nil {
		t.Skip("no /proc:", err)
	}
}
