package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"time"
)

// client talks to the processes the runner started. It sends what wrk sends: no proxy,
// no Accept-Encoding, so that the answer it checks is byte for byte the one wrk gets.
var client = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{Proxy: nil, DisableCompression: true},
}

// post sends body to url as application/json and returns the status and response body.
func post(ctx context.Context, url string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// waitReady POSTs body to url every 100 ms until it answers 200, p exits, or the timeout
// passes. It returns the first 200 response's body.
func waitReady(ctx context.Context, p *process, url string, body []byte, timeout time.Duration) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	var last string
	for {
		if err := checkLoopback(url); err != nil {
			return nil, err
		}
		status, b, err := post(ctx, url, body)
		switch {
		case err == nil && status == http.StatusOK:
			return b, nil
		case err == nil:
			last = fmt.Sprintf("status %d: %.300s", status, b)
		default:
			last = err.Error()
		}
		if p.exited() {
			return nil, p.exitError()
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s did not answer POST %s with 200 within %v (last: %s); its output:\n%s",
				p.name, url, timeout, last, p.out.String())
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// jsonDiff compares two JSON documents as values (object key order and whitespace do not
// matter) and describes the first difference, "" if they are equal.
func jsonDiff(got, want []byte) (string, error) {
	var g, w any
	if err := decodeJSON(got, &g); err != nil {
		return "", fmt.Errorf("the answer is not JSON: %w (%.200s)", err, got)
	}
	if err := decodeJSON(want, &w); err != nil {
		return "", fmt.Errorf("the expected answer is not JSON: %w", err)
	}
	return firstDiff("", g, w), nil
}

func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

// firstDiff returns "path: got X, want Y" for the first difference between g and w.
func firstDiff(path string, g, w any) string {
	at := path
	if at == "" {
		at = "(top level)"
	}
	switch w := w.(type) {
	case map[string]any:
		gm, ok := g.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %s, want an object", at, short(g))
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := gm[k]
			if !ok {
				return fmt.Sprintf("%s: missing key %q", at, k)
			}
			if d := firstDiff(join(path, k), gv, w[k]); d != "" {
				return d
			}
		}
		for k := range gm {
			if _, ok := w[k]; !ok {
				return fmt.Sprintf("%s: unexpected key %q", at, k)
			}
		}
		return ""
	case []any:
		gl, ok := g.([]any)
		if !ok {
			return fmt.Sprintf("%s: got %s, want a list", at, short(g))
		}
		if len(gl) != len(w) {
			return fmt.Sprintf("%s: got %d elements, want %d", at, len(gl), len(w))
		}
		for i := range w {
			if d := firstDiff(path+"["+strconv.Itoa(i)+"]", gl[i], w[i]); d != "" {
				return d
			}
		}
		return ""
	default:
		if !reflect.DeepEqual(g, w) {
			return fmt.Sprintf("%s: got %s, want %s", at, short(g), short(w))
		}
		return ""
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}
