package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/atrium-gateway/atrium/federation/compose"
)

func composeCommand() *cobra.Command {
	var configPath, output string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "compose",
		Short: "Compose subgraph schemas into a supergraph",
		Long: `Compose the subgraphs listed in a supergraph.yaml (rover's format) into the
supergraph SDL that Atrium and Apollo Router serve. Schemas come from files, from
inline SDL, or from running subgraphs (subgraph_url: asks _service { sdl }).
On failure every problem is printed with its code and subgraph, and nothing is written.`,
		Example: "  atrium compose --config supergraph.yaml > supergraph.graphql\n  atrium compose --config supergraph.yaml --output supergraph.graphql",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			raw, err := os.ReadFile(configPath)
			if err != nil {
				return fmt.Errorf("reading the config: %w", err)
			}
			cfg, err := compose.ParseConfig(raw)
			if err != nil {
				return err
			}
			inputs, err := loadSubgraphs(cmd.Context(), cfg, filepath.Dir(configPath))
			if err != nil {
				return err
			}
			r := compose.Compose(inputs)
			if !quiet {
				for _, h := range r.Hints {
					fmt.Fprintln(cmd.ErrOrStderr(), "hint:", h.String())
				}
			}
			if err := r.Err(); err != nil {
				return err
			}
			if output == "" || output == "-" {
				_, err = fmt.Fprintln(cmd.OutOrStdout(), r.Supergraph)
				return err
			}
			return writeFileAtomic(output, []byte(r.Supergraph+"\n"))
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "supergraph.yaml", "path of the supergraph config (rover's supergraph.yaml format)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the supergraph to this file instead of standard output")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "do not print composition hints")
	return cmd
}

// loadSubgraphs reads every subgraph's SDL: files relative to the config's folder, inline
// SDL, or a running subgraph's _service { sdl }.
func loadSubgraphs(ctx context.Context, cfg *compose.Config, dir string) ([]compose.Input, error) {
	var inputs []compose.Input
	var errs []error
	for _, name := range cfg.Names() {
		src := cfg.Subgraphs[name].Schema
		var sdl string
		var err error
		switch {
		case src.File != "":
			path := src.File
			if !filepath.IsAbs(path) {
				path = filepath.Join(dir, path)
			}
			var b []byte
			b, err = os.ReadFile(path)
			sdl = string(b)
		case src.SubgraphURL != "":
			sdl, err = fetchSDL(ctx, src.SubgraphURL)
		default:
			sdl = src.SDL
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("subgraph %s: %w", name, err))
			continue
		}
		inputs = append(inputs, compose.Input{Name: name, URL: cfg.RoutingURL(name), SDL: sdl})
	}
	return inputs, errors.Join(errs...)
}

// maxSDLBytes bounds what a subgraph may answer to _service { sdl }.
const maxSDLBytes = 16 << 20

// fetchSDL asks a running subgraph for its SDL (_service { sdl }, the federation
// subgraph spec's introspection).
func fetchSDL(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	body := []byte(`{"query":"query SubgraphSDL { _service { sdl } }"}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("asking %s for its SDL: %w", url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxSDLBytes+1))
	if err != nil {
		return "", fmt.Errorf("reading %s's SDL: %w", url, err)
	}
	if len(raw) > maxSDLBytes {
		return "", fmt.Errorf("%s answered more than %d bytes", url, maxSDLBytes)
	}
	var out struct {
		Data struct {
			Service *struct {
				SDL string `json:"sdl"`
			} `json:"_service"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", fmt.Errorf("%s answered %s, not a GraphQL response", url, resp.Status)
	}
	if len(out.Errors) > 0 {
		return "", fmt.Errorf("%s answered _service { sdl } with an error: %s", url, out.Errors[0].Message)
	}
	if out.Data.Service == nil || out.Data.Service.SDL == "" {
		return "", fmt.Errorf("%s has no _service { sdl }: is it a federation subgraph?", url)
	}
	return out.Data.Service.SDL, nil
}

// writeFileAtomic replaces path in one step, so a gateway watching it never reads half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".atrium-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes the file private (0600); the file it replaces is usually read by a
	// gateway running as another user. Keep the old file's mode, or make it world-readable.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
