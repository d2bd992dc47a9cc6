import { Fragment, useMemo, useState, type ReactNode } from "react";
import { useRegistry } from "../hooks";
import { Link } from "../router";
import { hasRole, useViewer } from "../viewer";
import { Badge, download, Failure, Loading } from "./common";
import { AskLink, KnownIssues } from "./Feedback";

interface Arg {
  name: string;
  description?: string | null;
  type: string;
  defaultValue?: string | null;
}
interface Field {
  name: string;
  description?: string | null;
  type: string;
  args: Arg[];
  deprecated: boolean;
  deprecationReason?: string | null;
  subgraphs?: string[];
}
interface EnumValue {
  name: string;
  description?: string | null;
  deprecated: boolean;
  deprecationReason?: string | null;
}
interface TypeDoc {
  name: string;
  kind: string;
  description?: string | null;
  fields: Field[];
  enumValues: EnumValue[];
  possibleTypes: string[];
  interfaces: string[];
}
interface APISchema {
  version: number;
  sdl: string;
  types: TypeDoc[];
}

// Owners also see which subgraphs serve each field.
const schemaQuery = (owner: boolean) => `{ apiSchema { version sdl types { name kind description interfaces possibleTypes
  fields { name description type deprecated deprecationReason ${owner ? "subgraphs" : ""} args { name description type defaultValue } }
  enumValues { name description deprecated deprecationReason } } } }`;

const kinds: [string, string][] = [
  ["OBJECT", "Objects"],
  ["INTERFACE", "Interfaces"],
  ["UNION", "Unions"],
  ["ENUM", "Enums"],
  ["INPUT_OBJECT", "Inputs"],
  ["SCALAR", "Scalars"],
];
const roots = ["Query", "Mutation", "Subscription"];

export function Docs({ type }: { type: string }) {
  const owner = hasRole(useViewer(), "OWNER");
  const res = useRegistry<{ apiSchema: APISchema | null }>(schemaQuery(owner));
  const [search, setSearch] = useState("");
  const schema = res.data?.apiSchema;
  const byName = useMemo(() => new Map((schema?.types ?? []).map((t) => [t.name, t])), [schema]);
  if (res.loading && !schema) return <Loading what="the schema" />;
  if (res.error) return <Failure error={res.error} />;
  if (!schema) return <p>No schema has been published yet.</p>;
  const selected = type ? byName.get(type) : undefined;
  return (
    <div className="docs">
      <aside className="sidebar">
        <label htmlFor="schema-search">Search the schema</label>
        <input id="schema-search" type="search" value={search} placeholder="Type or field name, or words of a description" onChange={(e) => setSearch(e.target.value)} />
        {search ? <SearchResults schema={schema} search={search} /> : <TypeList schema={schema} current={type} />}
      </aside>
      <section className="content">
        {type && !selected ? (
          <p className="error">There is no type {type} in the API schema.</p>
        ) : selected ? (
          <TypePage t={selected} known={byName} owner={owner} />
        ) : (
          <Overview schema={schema} />
        )}
      </section>
    </div>
  );
}

function Overview({ schema }: { schema: APISchema }) {
  return (
    <>
      <h1>Schema</h1>
      <p>
        Version {schema.version} of the API schema: {schema.types.length} types. Start at{" "}
        {roots
          .filter((r) => schema.types.some((t) => t.name === r))
          .map((r, i) => (
            <Fragment key={r}>
              {i > 0 ? ", " : ""}
              <Link to={`/docs/${r}`}>{r}</Link>
            </Fragment>
          ))}
        .
      </p>
      <button onClick={() => download(`schema-v${schema.version}.graphql`, schema.sdl)}>Download the SDL</button>
    </>
  );
}

function TypeList({ schema, current }: { schema: APISchema; current: string }) {
  return (
    <nav aria-label="Types">
      {kinds.map(([kind, label]) => {
        const types = schema.types.filter((t) => t.kind === kind).sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
        if (types.length === 0) return null;
        return (
          <Fragment key={kind}>
            <h2>{label}</h2>
            <ul>
              {types.map((t) => (
                <li key={t.name}>
                  <Link to={`/docs/${t.name}`} aria-current={t.name === current ? "page" : undefined}>
                    {t.name}
                  </Link>
                </li>
              ))}
            </ul>
          </Fragment>
        );
      })}
    </nav>
  );
}

function rank(name: string): number {
  const i = roots.indexOf(name);
  return i < 0 ? roots.length : i;
}

function SearchResults({ schema, search }: { schema: APISchema; search: string }) {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const hit = (...texts: (string | null | undefined)[]) => {
    const hay = texts.filter(Boolean).join(" ").toLowerCase();
    return words.every((w) => hay.includes(w));
  };
  const results: { to: string; label: string; note?: string | null }[] = [];
  for (const t of schema.types) {
    if (hit(t.name, t.description)) results.push({ to: `/docs/${t.name}`, label: t.name, note: t.description });
    for (const f of t.fields) {
      if (hit(`${t.name}.${f.name}`, f.description)) results.push({ to: `/docs/${t.name}#${f.name}`, label: `${t.name}.${f.name}`, note: f.description });
    }
    for (const v of t.enumValues) {
      if (hit(`${t.name}.${v.name}`, v.description)) results.push({ to: `/docs/${t.name}#${v.name}`, label: `${t.name}.${v.name}`, note: v.description });
    }
  }
  return (
    <div role="region" aria-live="polite" aria-label="Search results">
      <p className="muted">
        {results.length} result{results.length === 1 ? "" : "s"}
      </p>
      <ul className="results">
        {results.slice(0, 100).map((r) => (
          <li key={r.to}>
            <Link to={r.to}>{r.label}</Link>
            {r.note ? <span className="muted"> — {r.note}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

// TypeRef prints a type like [Review!]! with the named type linked.
function TypeRef({ type, known }: { type: string; known: Map<string, TypeDoc> }) {
  const m = /^([[\s]*)([_A-Za-z][_0-9A-Za-z]*)(.*)$/.exec(type);
  if (!m || !known.has(m[2])) return <code>{type}</code>;
  return (
    <code>
      {m[1]}
      <Link to={`/docs/${m[2]}`}>{m[2]}</Link>
      {m[3]}
    </code>
  );
}

function Description({ text }: { text?: string | null }) {
  return text ? <p className="description">{text}</p> : null;
}

function Deprecated({ on, reason }: { on: boolean; reason?: string | null }) {
  if (!on) return null;
  return <Badge kind="deprecated">Deprecated{reason ? `: ${reason}` : ""}</Badge>;
}

function TypePage({ t, known, owner }: { t: TypeDoc; known: Map<string, TypeDoc>; owner: boolean }) {
  const kind = kinds.find(([k]) => k === t.kind)?.[1].replace(/s$/, "").toLowerCase() ?? t.kind;
  const implementers = [...known.values()].filter((o) => o.interfaces.includes(t.name)).map((o) => o.name);
  const list = (names: string[]): ReactNode =>
    names.map((n, i) => (
      <Fragment key={n}>
        {i > 0 ? ", " : ""}
        <TypeRef type={n} known={known} />
      </Fragment>
    ));
  return (
    <article>
      <h1>
        {t.name} <span className="kind">{kind}</span>
      </h1>
      <Description text={t.description} />
      <KnownIssues type={t.name} />
      {t.interfaces.length > 0 ? <p>Implements {list(t.interfaces)}.</p> : null}
      {t.possibleTypes.length > 0 ? <p>One of {list(t.possibleTypes)}.</p> : null}
      {t.kind === "INTERFACE" && implementers.length > 0 ? <p>Implemented by {list(implementers)}.</p> : null}
      {t.fields.length > 0 ? (
        <>
          <h2>{t.kind === "INPUT_OBJECT" ? "Input fields" : "Fields"}</h2>
          <dl className="fields">
            {t.fields.map((f) => (
              <div key={f.name} id={f.name} className={f.deprecated ? "field deprecated" : "field"}>
                <dt>
                  <a href={`#${f.name}`} className="anchor" aria-label={`Link to ${t.name}.${f.name}`}>
                    #
                  </a>
                  <code>{f.name}</code>
                  {f.args.length > 0 ? "(…)" : ""}: <TypeRef type={f.type} known={known} /> <Deprecated on={f.deprecated} reason={f.deprecationReason} />
                </dt>
                <dd>
                  <Description text={f.description} />
                  {f.args.length > 0 ? (
                    <ul className="args" aria-label={`Arguments of ${f.name}`}>
                      {f.args.map((a) => (
                        <li key={a.name}>
                          <code>{a.name}</code>: <TypeRef type={a.type} known={known} />
                          {a.defaultValue ? (
                            <>
                              {" "}
                              = <code>{a.defaultValue}</code>
                            </>
                          ) : null}
                          {a.description ? <span className="muted"> — {a.description}</span> : null}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  {owner && f.subgraphs && f.subgraphs.length > 0 ? <p className="muted small">Served by {f.subgraphs.join(", ")}</p> : null}
                  <AskLink coordinate={`${t.name}.${f.name}`} />
                </dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      {t.enumValues.length > 0 ? (
        <>
          <h2>Values</h2>
          <dl className="fields">
            {t.enumValues.map((v) => (
              <div key={v.name} id={v.name} className="field">
                <dt>
                  <code>{v.name}</code> <Deprecated on={v.deprecated} reason={v.deprecationReason} />
                </dt>
                <dd>
                  <Description text={v.description} />
                </dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      {owner && t.fields.length > 0 && t.kind !== "INPUT_OBJECT" ? <Usage t={t} /> : null}
    </article>
  );
}

interface FieldUsage {
  coordinate: string;
  requests: number;
  clients: { client: string; requests: number }[];
}

// Usage shows which clients used the type's fields in the last 7 days (owners).
function Usage({ t }: { t: TypeDoc }) {
  const [shown, setShown] = useState(false);
  const res = useRegistry<{ fieldUsage: FieldUsage[] }>(shown ? `query($c: [String!]!) { fieldUsage(coordinates: $c) { coordinate requests clients { client requests } } }` : null, {
    c: t.fields.map((f) => `${t.name}.${f.name}`),
  });
  return (
    <section aria-labelledby="usage">
      <h2 id="usage">Usage</h2>
      {!shown ? (
        <button onClick={() => setShown(true)}>Show which clients use these fields</button>
      ) : res.loading ? (
        <Loading what="usage" />
      ) : res.error ? (
        <Failure error={res.error} />
      ) : (
        <table>
          <caption>Requests in the last 7 days</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Requests</th>
              <th scope="col">Clients</th>
            </tr>
          </thead>
          <tbody>
            {res.data!.fieldUsage.map((u) => (
              <tr key={u.coordinate}>
                <td>
                  <code>{u.coordinate}</code>
                </td>
                <td>{u.requests}</td>
                <td>{u.clients.map((c) => `${c.client || "(unnamed)"} (${c.requests})`).join(", ") || "none"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
