package store

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits on what the store accepts. They keep one bad request from filling the database
// and are generous for real schemas: large supergraphs run to a few megabytes.
const (
	MaxSubgraphSDLBytes   = 4 << 20
	MaxSupergraphSDLBytes = 32 << 20
	MaxJSONBytes          = 16 << 20 // a version's diff, a check's result
	MaxURLBytes           = 2048
	MaxOwnerBytes         = 256
	MaxPublisherBytes     = 256
	MaxMessageBytes       = 4096
	MaxOperationHash      = 256
	MaxOperationName      = 1024
	MaxDocumentBytes      = 1 << 20
	MaxCoordinateBytes    = 512
	MaxCoordinatesPerOp   = 10000
	MaxClientBytes        = 256
	MaxUsageRecords       = 10000 // per RecordUsage call
	MaxUsageLookups       = 200   // coordinates per UsageByClient call
)

// ValidationError is one problem with the input, in words a user can act on. Field is
// the input's path, such as "change.url" or "records[3].coordinates[0]".
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// ValidationErrors is every problem found in one input. errors.As finds it, and also
// finds its first *ValidationError.
type ValidationErrors []*ValidationError

func (errs ValidationErrors) Error() string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return "invalid input: " + strings.Join(lines, "; ")
}

func (errs ValidationErrors) Unwrap() []error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return out
}

// validator collects problems so that one call reports all of them.
type validator struct{ errs ValidationErrors }

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns the problems found, or nil.
func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return v.errs
}

var subgraphName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

func (v *validator) subgraphName(field, name string) {
	if !subgraphName.MatchString(name) {
		v.add(field, "%q is not a valid subgraph name: start with a letter, then up to 63 letters, digits, '_' or '-'", truncate(name))
	}
}

func (v *validator) subgraphURL(field, raw string) {
	if raw == "" {
		v.add(field, "is required")
		return
	}
	if len(raw) > MaxURLBytes {
		v.add(field, "is longer than %d bytes", MaxURLBytes)
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		v.add(field, "is not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https":
		v.add(field, "must be an absolute http:// or https:// URL")
	case u.Host == "":
		v.add(field, "has no host")
	case u.User != nil:
		// Every user of the registry can read subgraph URLs.
		v.add(field, "must not contain credentials; configure them on the gateway instead")
	}
}

// ValidateSubgraph reports every problem with a subgraph's name, URL and SDL, as
// Publish would, so that callers can refuse bad input before working on it.
func ValidateSubgraph(name, url, sdl string) error {
	var v validator
	v.subgraphName("name", name)
	v.subgraphURL("url", url)
	v.sdl("sdl", sdl, MaxSubgraphSDLBytes)
	return v.err()
}

// sdl checks a schema: required, within limit, and storable as text.
func (v *validator) sdl(field, sdl string, limit int) {
	if strings.TrimSpace(sdl) == "" {
		v.add(field, "is empty")
		return
	}
	v.text(field, sdl, limit)
}

// text checks an optional string: within limit and storable by both databases, which
// reject invalid UTF-8 (PostgreSQL) or would store it unchecked (SQLite).
func (v *validator) text(field, s string, limit int) {
	switch {
	case len(s) > limit:
		v.add(field, "is %d bytes, more than the limit of %d", len(s), limit)
	case !utf8.ValidString(s):
		v.add(field, "is not valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		v.add(field, "contains a NUL byte")
	}
}

// json checks an optional JSON document computed by the caller.
func (v *validator) jsonText(field, s string) {
	if s == "" {
		return
	}
	if len(s) > MaxJSONBytes {
		v.add(field, "is %d bytes, more than the limit of %d", len(s), MaxJSONBytes)
		return
	}
	if !json.Valid([]byte(s)) {
		v.add(field, "is not valid JSON")
		return
	}
	v.text(field, s, MaxJSONBytes)
}

// coordinate matches a usage coordinate (package federation/usage): Type, Type.field,
// Type.field.arg, Enum.VALUE, Input.field, @directive or @directive.arg.
var coordinate = regexp.MustCompile(`^@?[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*){0,2}$`)

func (v *validator) coordinate(field, c string) {
	if len(c) > MaxCoordinateBytes || !coordinate.MatchString(c) {
		v.add(field, "%q is not a schema coordinate such as Type, Type.field, Type.field.argument, Enum.VALUE or @directive", truncate(c))
	}
}

// truncate shortens s for an error message, so that a huge bad value does not make a
// huge error.
func truncate(s string) string {
	const limit = 80
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
