package compose

import (
	"github.com/atrium-gateway/atrium/federation"
)

// checkSupergraph loads the printed supergraph with the gateway's own loader: what
// composition writes, the gateway must serve.
func checkSupergraph(sdl string, m *merger) []Diagnostic {
	if _, err := federation.Parse("supergraph", sdl); err != nil {
		return []Diagnostic{{Code: "INVALID_SUPERGRAPH", Message: "the composed supergraph does not load: " + err.Error()}}
	}
	return nil
}
