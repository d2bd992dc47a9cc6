package naming

import (
	"strconv"
	"strings"
)

// reservedOwner holds the names a namespace is made with: no caller claims as it.
const reservedOwner = "\x00reserved"

// Namespace hands out unique names: a name held by another owner gets the first free numeric
// suffix ("Item2"). It remembers who holds each name, for reports. Not safe for concurrent
// use.
type Namespace struct {
	fold  bool
	owner map[string]string // name (lowercased when fold) → owner
}

// NewNamespace returns a namespace in which the reserved names are taken. Names differing in
// case are different names.
func NewNamespace(reserved ...string) *Namespace {
	return newNamespace(false, reserved)
}

// NewFoldedNamespace is NewNamespace for names compared case-insensitively: "Pet" and "PET"
// do not both exist.
func NewFoldedNamespace(reserved ...string) *Namespace {
	return newNamespace(true, reserved)
}

func newNamespace(fold bool, names []string) *Namespace {
	ns := &Namespace{fold: fold, owner: map[string]string{}}
	for _, n := range names {
		ns.owner[ns.key(n)] = reservedOwner
	}
	return ns
}

func (ns *Namespace) key(name string) string {
	if ns.fold {
		return strings.ToLower(name)
	}
	return name
}

// Has reports whether name is taken.
func (ns *Namespace) Has(name string) bool {
	_, ok := ns.owner[ns.key(name)]
	return ok
}

// Owner returns who holds name: "" when it is free, "\x00reserved" for a name the namespace
// was made with.
func (ns *Namespace) Owner(name string) string {
	return ns.owner[ns.key(name)]
}

// Reserve holds name for owner when it is free; a later Claim by owner gets it.
func (ns *Namespace) Reserve(name, owner string) {
	k := ns.key(name)
	if _, taken := ns.owner[k]; !taken {
		ns.owner[k] = owner
	}
}

// Claim returns want, or want with a numeric suffix when another owner holds want; clash is
// then that owner. The same owner claiming the same name again gets it back.
func (ns *Namespace) Claim(want, owner string) (name, clash string) {
	name = want
	for i := 2; ; i++ {
		k := ns.key(name)
		o, taken := ns.owner[k]
		if !taken {
			ns.owner[k] = owner
			return name, clash
		}
		if o == owner {
			return name, clash
		}
		if i == 2 {
			clash = o
		}
		name = want + strconv.Itoa(i)
	}
}
