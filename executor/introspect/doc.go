// Package introspect answers the GraphQL introspection fields `__schema` and
// `__type(name:)` from a gqlparser *ast.Schema, the API schema a gateway serves, the way
// graphql-js, the reference implementation, answers them for the same SDL.
//
// Field appends the JSON value straight to a caller's buffer: no intermediate tree, and
// no allocation per request once its pooled scratch space has grown (the closures
// that feed lists stay on the stack). The caller collects the root fields, writes
// response keys, and calls Field (or FieldGroup) for each introspection root field.
//
// Differences from graphql-js 16.15, each with its reason:
//   - `types` and `directives` are sorted by name. graphql-js lists them in the order
//     it discovered them while building the schema, which a gqlparser schema (maps)
//     does not record. Other lists (fields, arguments, enum values, interfaces,
//     possible types, locations) keep definition order, as in graphql-js.
//   - Everything gqlparser's prelude declares is reported as declared there: the
//     descriptions of the specified scalars Float, String and ID differ slightly from
//     graphql-js's, @defer is listed, and __Directive has no isDeprecated field (a
//     schema whose prelude has them gets them answered).
//   - A description set to "" is reported as null: gqlparser does not tell "" from
//     no description.
//   - A default value graphql-js cannot print (a custom scalar holding a list or an
//     object, a Float literal beyond ±Infinity) is null without the error graphql-js
//     adds to the response.
//
// As in graphql-js, the specified scalars Int, Float and ID are left out unless some
// field, argument or directive refers to them, although gqlparser declares all five.
package introspect
