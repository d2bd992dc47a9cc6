// Package report holds what the importers' reports share: the kinds of report item and the
// order in which reports list them.
package report

import "cmp"

// Kind says what a report item means for the imported schema. Its value is what JSON reports
// and --strict go by.
type Kind string

// The kinds, in report order. Each importer documents what they cover for its documents.
const (
	Unmapped Kind = "unmapped"
	Changed  Kind = "changed"
	Info     Kind = "info"
)

var rank = map[Kind]int{Unmapped: 0, Changed: 1, Info: 2}

// Compare orders kinds as reports list them: Unmapped, then Changed, then Info.
func Compare(a, b Kind) int {
	return cmp.Compare(rank[a], rank[b])
}
