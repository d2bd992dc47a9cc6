// Package mapping implements the selection (mapping) language of Apollo Connectors
// (JSONSelection): the "selection" of @connect, and the body, queryParams and path mappings
// and {expression} templates of @source/@connect. Parse turns source text into an immutable
// Selection; Apply evaluates it against a decoded JSON value and variables.
//
// Values are decoded JSON as encoding/json gives them with Decoder.UseNumber(): nil, bool,
// json.Number, string, []any and map[string]any. Inputs may also hold int, int64 or float64
// (from Go callers); they are read as numbers and written out as json.Number. Numbers keep
// their text: nothing is converted to float64 on the way through.
//
// A parsed Selection or Template is safe for concurrent use. Apply and Execute never modify
// their inputs, and their outputs may share maps and slices with the inputs: treat both as
// read-only. docs/connectors-mapping.md is the user-facing reference of the language.
package mapping

// Vars are the variables a selection may read, by name with the "$": "$args", "$this",
// "$batch", "$config", "$context", "$request", "$response", "$status", "$env". A missing entry
// reads as absent: a key mapped from it is left out of the output, with no problem reported.
type Vars map[string]any

// knownVars are the variable names the parser accepts (besides "$" and "@").
var knownVars = []string{"$args", "$this", "$batch", "$config", "$context", "$request", "$response", "$status", "$env"}

// Limits applied by Parse and ParseTemplate.
const (
	maxSource = 64 << 10 // bytes of source text
	maxDepth  = 64       // nesting of blocks, literals, method arguments and $( )
	maxChain  = 32       // methods in one path
)

// Selection is a parsed selection. It is immutable and safe for concurrent use.
type Selection struct {
	src    string
	root   *block // the items, when the selection is a list of named items
	single *path  // the whole selection, when it is one path without a name
}

// block is a { ... } subselection, or the top level of a selection.
type block struct {
	items []*item
	pos   int
}

type itemKind uint8

const (
	itemNamed itemKind = iota // name: path, or a bare key
	itemGroup                 // name: { ... }
	itemMerge                 // path { ... } without a name: its keys merge into the parent
)

type item struct {
	kind  itemKind
	name  string // output key (itemNamed, itemGroup)
	alias bool   // written as "name: …" rather than as a bare key
	path  *path  // itemNamed, itemMerge
	group *block // itemGroup
	pos   int
}

type headKind uint8

const (
	headDollar headKind = iota // $
	headVar                    // $args, $this, …
	headAt                     // @
	headExpr                   // $( value )
	headKey                    // key: a key read from $ (steps[0] holds it)
)

type path struct {
	head  headKind
	name  string // variable name with its "$" (headVar)
	expr  *value // headExpr
	steps []step // for headKey, steps[0] is the head key
	block *block // trailing { ... }, or nil
	text  string // canonical text of the path without its block and without a leading "$.", for problem paths
	pos   int
	end   int
}

type stepKind uint8

const (
	stepKey      stepKind = iota // .key
	stepOptional                 // ?
	stepMethod                   // ->name(args)
)

type step struct {
	kind stepKind
	key  string
	call *methodCall
	pos  int
}

type methodCall struct {
	spec *methodSpec
	args []*value
	pos  int
}

type valueKind uint8

const (
	valueConst  valueKind = iota // string, number, true, false, null
	valueObject                  // { key: value, … }
	valueArray                   // [ value, … ]
	valuePath                    // a path, with an optional block
)

// value is a literal expression: an argument of a method, the inside of $( ), or a
// template's {expression}.
type value struct {
	kind   valueKind
	konst  any // valueConst: nil, bool, json.Number or string
	fields []field
	elems  []*value
	path   *path
	pos    int
}

type field struct {
	key string
	val *value
}
