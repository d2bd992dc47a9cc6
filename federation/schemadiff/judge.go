package schemadiff

import "slices"

// Use is what the usage store knows about one coordinate over the check window.
type Use struct {
	// Operations is the number of distinct operations (signatures) that used it.
	Operations int
	// Names are up to 5 of those operations' names, for the report.
	Names []string
	// Count is how many requests used it.
	Count int64
}

// maxNames is how many operation names a Use carries.
const maxNames = 5

// Judged is a change with the usage that decides whether it blocks a publish.
type Judged struct {
	Change
	// InUse is true when an operation in the window used one of the change's
	// UsageCoordinates. Only a BREAKING change in use blocks (see Blocking).
	InUse bool
	// Use sums the Use of every usage coordinate that was used. An operation that used two
	// of them counts twice, so Operations and Count are upper bounds; every built-in change
	// has a single usage coordinate, where the numbers are exact.
	Use Use
}

// Judge looks up the usage of each BREAKING and DANGEROUS change (a dangerous change never
// blocks, but its users are worth listing in the report); SAFE changes are not looked up.
// used returns the Use of one usage coordinate and whether any operation used it; a nil
// used judges every change unused. Breaking changes nobody used are returned with InUse
// false: they are reported but do not block. The result has the order of changes.
func Judge(changes []Change, used func(coordinate string) (Use, bool)) []Judged {
	out := make([]Judged, 0, len(changes))
	for _, c := range changes {
		j := Judged{Change: c}
		if c.Severity != Safe && used != nil {
			for _, coord := range c.UsageCoordinates {
				u, ok := used(coord)
				if !ok {
					continue
				}
				j.InUse = true
				j.Use.Operations += u.Operations
				j.Use.Count += u.Count
				for _, n := range u.Names {
					if len(j.Use.Names) < maxNames && !slices.Contains(j.Use.Names, n) {
						j.Use.Names = append(j.Use.Names, n)
					}
				}
			}
		}
		out = append(out, j)
	}
	return out
}

// Blocking reports whether any BREAKING change is in use: the check fails.
func Blocking(judged []Judged) bool {
	for _, j := range judged {
		if j.Severity == Breaking && j.InUse {
			return true
		}
	}
	return false
}
