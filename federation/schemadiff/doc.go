// Package schemadiff compares two client-facing (API) schemas and classifies every
// difference the way a schema registry's check does: each Change has a stable code, a
// severity, the schema coordinate it is about, a message a backend team can act on, and the
// usage coordinates whose use by a client operation makes a breaking change harmful. Judge
// then weighs the changes against recorded operation usage (see package usage).
//
// Diff takes the API schema (federation.Supergraph.API): no join/link machinery, only the
// executable directives clients may use. Built-in scalars and directives, introspection types
// and fields (names starting with "__") are never compared.
//
// # Severity
//
// BREAKING: an operation that was valid may fail validation, or a client may receive a value
// its types say it cannot (null where non-null was promised). DANGEROUS: every operation stays
// valid, but a client may see values it was not written for (a new enum value, a new union
// member) or the server may behave differently for the same request (a changed default).
// SAFE: additions and documentation. Output positions (what a field returns) and input
// positions (arguments, input fields, variables) are judged in opposite directions: a field
// that stops returning null is safe and one that may start returning null is breaking; an
// argument that starts accepting null is safe and one that stops accepting it is breaking.
// docs/schema-checks.md lists every code with its severity and the reason.
//
// # Coordinates
//
// Change.Coordinate names the schema element, in the schema-coordinate syntax:
//
//	Type                 a named type (for UNION_MEMBER_*, INTERFACE_* and ONE_OF_*, the type changed)
//	Type.field           a field of an object or interface type, or a field of an input object
//	Type.field(arg:)     an argument of a field
//	Enum.VALUE           an enum value
//	@directive           a directive definition
//	@directive(arg:)     an argument of a directive definition
//	schema.query         a root operation type (also schema.mutation, schema.subscription)
//
// Change.UsageCoordinates use the grammar of usage.Coordinates, what an operation is recorded
// as using:
//
//	Type                 the operation touched the type: a field returned it, a fragment is on it,
//	                     a variable or argument has it, or it is the operation's root type
//	Type.field           the field was selected with Type as its parent type
//	Type.field.arg       the argument was passed to the field (literal or variable)
//	Input.field          the input field was given in a literal, or could be given through a variable
//	Enum.VALUE           the enum value was written as a literal
//	@directive           the directive was used; @directive.arg: its argument was passed
//
// A change is harmful to an operation that used any one of its usage coordinates.
package schemadiff
