package main

import (
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStopKillsTheWholeGroup(t *testing.T) {
	t.Parallel()
	sup := &supervisor{}
	defer sup.stopAll()
	// A shell that starts a grandchild, prints its pid, and ignores SIGTERM: the worst case.
	p, err := sup.start("stubborn", []string{"bash", "-c", `trap '' TERM; sleep 300 & echo $!; wait`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.grace = 200 * time.Millisecond
	var child int
	for deadline := time.Now().Add(5 * time.Second); child == 0 && time.Now().Before(deadline); {
		child, _ = strconv.Atoi(strings.TrimSpace(p.out.String()))
		time.Sleep(10 * time.Millisecond)
	}
	if child == 0 {
		t.Fatalf("no child pid; output %q", p.out.String())
	}
	start := time.Now()
	sup.stopAll()
	if !p.exited() {
		t.Error("the shell is still running")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("stop took %v", d)
	}
	// The grandchild is gone (or a zombie of init, about to be reaped).
	time.Sleep(50 * time.Millisecond)
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(child) + "/stat"); err == nil && !strings.Contains(string(b), ") Z ") {
		_ = syscall.Kill(child, syscall.SIGKILL)
		t.Errorf("the grandchild %d outlived stop: %s", child, b)
	}
	sup.stopAll() // a second time is harmless
}

func TestExitErrorHasTheOutput(t *testing.T) {
	t.Parallel()
	sup := &supervisor{}
	defer sup.stopAll()
	p, err := sup.start("failing", []string{"sh", "-c", "echo listen: address in use >&2; exit 3"}, []string{"X=1"})
	if err != nil {
		t.Fatal(err)
	}
	<-p.done
	if err := p.exitError().Error(); !strings.Contains(err, "exit status 3") || !strings.Contains(err, "address in use") {
		t.Errorf("exitError: %s", err)
	}
	if _, err := sup.start("missing", []string{"/no/such/binary"}, nil); err == nil {
		t.Error("starting a missing binary did not fail")
	}
}

func TestTailBuffer(t *testing.T) {
	t.Parallel()
	tb := &tailBuffer{max: 10}
	for _, s := range []string{"hello ", "wonderful ", "world"} {
		_, _ = tb.Write([]byte(s))
	}
	if got := tb.String(); got != "rful world" {
		t.Errorf("tail = %q", got)
	}
}

func TestCheckPortFree(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := checkPortFree(addr); err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Errorf("busy port: %v", err)
	}
	ln.Close()
	// Port 0 is always free. Re-checking the port just closed raced with
	// other packages' tests, whose client sockets may take it as their
	// ephemeral port (CI failed so once).
	if err := checkPortFree("127.0.0.1:0"); err != nil {
		t.Errorf("free port: %v", err)
	}
}
