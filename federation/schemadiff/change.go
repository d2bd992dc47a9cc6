package schemadiff

import (
	"fmt"
	"strings"
)

// Severity says how a change can affect clients; see the package comment.
type Severity string

const (
	Breaking  Severity = "BREAKING"
	Dangerous Severity = "DANGEROUS"
	Safe      Severity = "SAFE"
)

// Change is one difference between two API schemas.
type Change struct {
	// Code is stable and searchable in docs/schema-checks.md (FIELD_REMOVED, ...).
	Code     string
	Severity Severity
	// Coordinate is the schema element changed, in the grammar of the package comment.
	Coordinate string
	// Message is one sentence saying what changed and, for non-safe changes, why it matters.
	Message string
	// UsageCoordinates are the usage coordinates (package usage) whose use by an operation
	// makes this change harmful to it: the change hurts an operation that used any of them.
	UsageCoordinates []string
}

// String prints the change on one line: severity, code, coordinate and message.
func (c Change) String() string {
	return fmt.Sprintf("%s %s %s: %s", c.Severity, c.Code, c.Coordinate, c.Message)
}

// Change codes. Codes marked "varies" take their severity from the direction of the change.
const (
	// Named types.
	TypeAdded       = "TYPE_ADDED"        // SAFE
	TypeRemoved     = "TYPE_REMOVED"      // BREAKING
	TypeKindChanged = "TYPE_KIND_CHANGED" // BREAKING

	// Root operation types.
	SchemaRootAdded   = "SCHEMA_ROOT_ADDED"   // SAFE
	SchemaRootRemoved = "SCHEMA_ROOT_REMOVED" // BREAKING
	SchemaRootChanged = "SCHEMA_ROOT_CHANGED" // BREAKING

	// Fields of object and interface types.
	FieldAdded              = "FIELD_ADDED"               // SAFE
	FieldRemoved            = "FIELD_REMOVED"             // BREAKING
	FieldTypeChanged        = "FIELD_TYPE_CHANGED"        // varies: SAFE only if it just stops returning null
	FieldDeprecated         = "FIELD_DEPRECATED"          // SAFE
	FieldDeprecationRemoved = "FIELD_DEPRECATION_REMOVED" // SAFE

	// Arguments of fields and of directives.
	RequiredArgAdded      = "REQUIRED_ARG_ADDED"      // BREAKING
	OptionalArgAdded      = "OPTIONAL_ARG_ADDED"      // SAFE
	ArgRemoved            = "ARG_REMOVED"             // BREAKING
	ArgTypeChanged        = "ARG_TYPE_CHANGED"        // varies: SAFE only if it just starts accepting null
	ArgDefaultChanged     = "ARG_DEFAULT_CHANGED"     // DANGEROUS; BREAKING when the argument becomes required
	ArgDeprecated         = "ARG_DEPRECATED"          // SAFE
	ArgDeprecationRemoved = "ARG_DEPRECATION_REMOVED" // SAFE

	// Enums.
	EnumValueAdded              = "ENUM_VALUE_ADDED"               // DANGEROUS
	EnumValueRemoved            = "ENUM_VALUE_REMOVED"             // BREAKING
	EnumValueDeprecated         = "ENUM_VALUE_DEPRECATED"          // SAFE
	EnumValueDeprecationRemoved = "ENUM_VALUE_DEPRECATION_REMOVED" // SAFE

	// Unions and implemented interfaces.
	UnionMemberAdded           = "UNION_MEMBER_ADDED"            // DANGEROUS
	UnionMemberRemoved         = "UNION_MEMBER_REMOVED"          // BREAKING
	InterfaceAddedToObject     = "INTERFACE_ADDED_TO_OBJECT"     // DANGEROUS
	InterfaceRemovedFromObject = "INTERFACE_REMOVED_FROM_OBJECT" // BREAKING

	// Input objects.
	RequiredInputFieldAdded      = "REQUIRED_INPUT_FIELD_ADDED"      // BREAKING
	OptionalInputFieldAdded      = "OPTIONAL_INPUT_FIELD_ADDED"      // SAFE
	InputFieldRemoved            = "INPUT_FIELD_REMOVED"             // BREAKING
	InputFieldTypeChanged        = "INPUT_FIELD_TYPE_CHANGED"        // varies, as ARG_TYPE_CHANGED
	InputFieldDefaultChanged     = "INPUT_FIELD_DEFAULT_CHANGED"     // varies, as ARG_DEFAULT_CHANGED
	InputFieldDeprecated         = "INPUT_FIELD_DEPRECATED"          // SAFE
	InputFieldDeprecationRemoved = "INPUT_FIELD_DEPRECATION_REMOVED" // SAFE
	OneOfAdded                   = "ONE_OF_ADDED"                    // BREAKING
	OneOfRemoved                 = "ONE_OF_REMOVED"                  // SAFE

	// Scalars.
	SpecifiedByChanged = "SPECIFIED_BY_CHANGED" // DANGEROUS

	// Executable directive definitions.
	DirectiveAdded             = "DIRECTIVE_ADDED"              // SAFE
	DirectiveRemoved           = "DIRECTIVE_REMOVED"            // BREAKING
	DirectiveLocationAdded     = "DIRECTIVE_LOCATION_ADDED"     // SAFE
	DirectiveLocationRemoved   = "DIRECTIVE_LOCATION_REMOVED"   // BREAKING
	DirectiveRepeatableAdded   = "DIRECTIVE_REPEATABLE_ADDED"   // SAFE
	DirectiveRepeatableRemoved = "DIRECTIVE_REPEATABLE_REMOVED" // BREAKING

	// Documentation of any element.
	DeprecationReasonChanged = "DEPRECATION_REASON_CHANGED" // SAFE
	DescriptionChanged       = "DESCRIPTION_CHANGED"        // SAFE
)

// kindName is how messages name a kind of type.
func kindName(k string) string {
	switch k {
	case "OBJECT":
		return "object type"
	case "INTERFACE":
		return "interface"
	case "UNION":
		return "union"
	case "ENUM":
		return "enum"
	case "INPUT_OBJECT":
		return "input object"
	case "SCALAR":
		return "scalar"
	}
	return strings.ToLower(k)
}
