// Package usage describes what a client operation uses, for schema checks: the schema
// coordinates it touches (Coordinates, matched against schemadiff.Change.UsageCoordinates)
// and a normalized signature that identifies it across literals, aliases and formatting
// (Signature, the key under which the gateway counts it).
//
// Both take a parsed document (parser.ParseQuery or gqlparser.LoadQueryWithRules) and only read
// it, so a cached document may be shared between goroutines.
package usage
