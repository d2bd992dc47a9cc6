package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// procStat is what the runner reads from /proc/PID/stat.
type procStat struct {
	PPID int
	// Ticks is utime+stime+cutime+cstime: CPU time of the process and of its children
	// that have exited and been waited for, in clock ticks.
	Ticks uint64
}

// parseStat parses the contents of /proc/PID/stat. The command name (field 2) is in
// parentheses and may itself contain spaces and parentheses, so fields are counted from
// the last ')'.
func parseStat(b []byte) (procStat, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("/proc stat %q: no ')'", b)
	}
	// After ')': state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("/proc stat: %d fields after the command name, want at least 15", len(f))
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return procStat{}, fmt.Errorf("/proc stat ppid: %w", err)
	}
	var ticks uint64
	for _, s := range f[11:15] {
		n, err := strconv.ParseInt(s, 10, 64) // cutime and cstime are signed
		if err != nil {
			return procStat{}, fmt.Errorf("/proc stat cpu times: %w", err)
		}
		if n > 0 {
			ticks += uint64(n)
		}
	}
	return procStat{PPID: ppid, Ticks: ticks}, nil
}

// parseStatusKB returns the value in kB of field key ("VmHWM", "VmRSS") of /proc/PID/status.
func parseStatusKB(b []byte, key string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("/proc status %s: %q is not \"N kB\"", key, v)
		}
		return strconv.ParseInt(f[0], 10, 64)
	}
	return 0, fmt.Errorf("/proc status: no %s (a kernel thread, or a process that has exited?)", key)
}

// procFS reads process facts under Root ("/proc" outside tests).
type procFS struct{ Root string }

// tree returns pid and every live descendant of it.
func (p procFS) tree(pid int) ([]int, error) {
	entries, err := os.ReadDir(p.Root)
	if err != nil {
		return nil, err
	}
	children := map[int][]int{}
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil || n == pid {
			continue
		}
		b, err := os.ReadFile(filepath.Join(p.Root, e.Name(), "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		st, err := parseStat(b)
		if err != nil {
			continue
		}
		children[st.PPID] = append(children[st.PPID], n)
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out, nil
}

// cpuTicks returns the CPU time of pid's process tree in clock ticks: for each live
// member its own time and that of its waited-for children.
func (p procFS) cpuTicks(pid int) (uint64, error) {
	pids, err := p.tree(pid)
	if err != nil {
		return 0, err
	}
	var total uint64
	for i, q := range pids {
		b, err := os.ReadFile(filepath.Join(p.Root, strconv.Itoa(q), "stat"))
		if err != nil {
			if i == 0 {
				return 0, fmt.Errorf("process %d: %w", pid, err)
			}
			continue
		}
		st, err := parseStat(b)
		if err != nil {
			return 0, err
		}
		total += st.Ticks
	}
	return total, nil
}

// peakRSSKB returns the sum of VmHWM (peak resident set) over pid's live process tree.
func (p procFS) peakRSSKB(pid int) (int64, error) {
	pids, err := p.tree(pid)
	if err != nil {
		return 0, err
	}
	var total int64
	for i, q := range pids {
		b, err := os.ReadFile(filepath.Join(p.Root, strconv.Itoa(q), "status"))
		if err == nil {
			var kb int64
			kb, err = parseStatusKB(b, "VmHWM")
			total += kb
		}
		if err != nil && i == 0 {
			return 0, fmt.Errorf("process %d: %w", pid, err)
		}
	}
	return total, nil
}

// parseMachineStat reads the aggregate "cpu" line of /proc/stat: the ticks all CPUs spent
// busy and in all since boot.
func parseMachineStat(b []byte) (busy, total uint64, err error) {
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("/proc/stat: first line %q is not the aggregate cpu line", line)
	}
	// user nice system idle iowait irq softirq steal (guest time is inside user).
	var v [8]uint64
	for i := range v {
		if v[i], err = strconv.ParseUint(f[i+1], 10, 64); err != nil {
			return 0, 0, fmt.Errorf("/proc/stat: %w", err)
		}
		total += v[i]
	}
	return total - v[3] - v[4], total, nil
}

// machineTicks returns the whole machine's busy and total CPU ticks since boot.
func (p procFS) machineTicks() (busy, total uint64, err error) {
	b, err := os.ReadFile(filepath.Join(p.Root, "stat"))
	if err != nil {
		return 0, 0, err
	}
	return parseMachineStat(b)
}

// cpuSample is the CPU time, in ticks, of the machine and of one process tree at one moment.
type cpuSample struct{ busy, total, tree, ours uint64 }

// sample reads the machine's counters, pid's tree and self's tree (the runner, which
// includes pid, the subgraphs and every wrk it has waited for).
func (p procFS) sample(pid, self int) (cpuSample, error) {
	var s cpuSample
	var err error
	if s.tree, err = p.cpuTicks(pid); err != nil {
		return s, err
	}
	if s.ours, err = p.cpuTicks(self); err != nil {
		return s, err
	}
	s.busy, s.total, err = p.machineTicks()
	return s, err
}

// othersShare is the share of the machine's CPU that processes the runner did not start
// used between a and b.
func othersShare(a, b cpuSample) float64 {
	if b.total <= a.total {
		return 0
	}
	others := float64(b.busy-a.busy) - float64(b.ours-a.ours)
	return max(others, 0) / float64(b.total-a.total)
}

// clockTicks returns the kernel's clock ticks per second (getconf CLK_TCK), 100 if unknown.
func clockTicks() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil && n > 0 {
			return float64(n)
		}
	}
	return 100
}
