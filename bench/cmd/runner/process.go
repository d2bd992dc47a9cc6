package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// childAttr puts a child in its own process group (so that stopping it stops whatever it
// started) and has the kernel kill it if the runner dies without cleaning up.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// process is a child the runner started: a gateway, the floor or the subgraphs.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *tailBuffer
	// grace is how long stop waits after SIGTERM before SIGKILL.
	grace time.Duration
	done  chan struct{} // closed when the process has exited
	err   error         // Wait's result, set before done is closed
}

// supervisor starts processes and stops every one it started. Safe for concurrent use.
type supervisor struct {
	mu    sync.Mutex
	procs []*process
}

// start runs argv with env added to the runner's environment.
func (s *supervisor) start(name string, argv, env []string) (*process, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = childAttr()
	p := &process{name: name, cmd: cmd, out: &tailBuffer{max: 16 << 10}, grace: 5 * time.Second, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s (%s): %w", name, strings.Join(argv, " "), err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	s.mu.Lock()
	s.procs = append(s.procs, p)
	s.mu.Unlock()
	return p, nil
}

// stopAll stops every process still running, most recent first.
func (s *supervisor) stopAll() {
	s.mu.Lock()
	procs := s.procs
	s.procs = nil
	s.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].stop()
	}
}

func (p *process) pid() int { return p.cmd.Process.Pid }

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM to the process group, waits up to p.grace, then sends SIGKILL.
// It returns once the process has exited; calling it again is harmless.
func (p *process) stop() {
	pgid := p.pid()
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(p.grace):
		fmt.Fprintf(os.Stderr, "bench: %s ignored SIGTERM for %v, killing it\n", p.name, p.grace)
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
	// Whatever the group leader left behind (a shell's children) goes too.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// exitError describes how the process ended, with the tail of its output.
func (p *process) exitError() error {
	return fmt.Errorf("%s exited (%v); its last output:\n%s", p.name, p.err, p.out.String())
}

// tailBuffer keeps the last max bytes written to it. Safe for concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, b...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// checkPortFree fails if something already listens on addr: the benchmark would
// measure it instead of the process it starts.
func checkPortFree(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%s is already in use: stop whatever listens there (a `make run`? a previous bench?) and run again", addr)
		}
		return fmt.Errorf("checking that %s is free: %w", addr, err)
	}
	return ln.Close()
}
