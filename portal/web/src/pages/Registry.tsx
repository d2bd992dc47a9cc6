import { useEffect, useState } from "react";
import { useRegistry } from "../hooks";
import { Link, navigate } from "../router";
import { hasRole, useViewer } from "../viewer";
import { Badge, Failure, Loading, When } from "./common";
import { HealthBadge, type Health } from "./Status";

interface Subgraph {
  name: string;
  url: string;
  owner: string;
  updatedAt: string;
}
interface Change {
  code: string;
  severity: string;
  coordinate: string;
  message: string;
}
interface Version {
  id: number;
  message: string;
  publisher: string;
  createdAt: string;
  subgraphs: { name: string }[];
  changes: Change[];
}

// Registry is for subgraph owners: the subgraphs, the version history, checks and diffs.
export function Registry({ path }: { path: string }) {
  const v = useViewer();
  if (!hasRole(v, "OWNER")) return <p className="error">The registry views are for subgraph owners and administrators.</p>;
  const [, section, arg] = path.split("/");
  const tabs: [string, string][] = [
    ["", "Subgraphs"],
    ["versions", "Versions"],
    ["diff", "Compare versions"],
  ];
  return (
    <section>
      <h1>Registry</h1>
      <nav className="tabs" aria-label="Registry">
        {tabs.map(([to, label]) => (
          <Link key={to} to={`/registry${to ? "/" + to : ""}`} aria-current={(section ?? "") === to ? "page" : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {section === "versions" ? <Versions /> : section === "diff" ? <Diff /> : section === "subgraphs" && arg ? <SubgraphChecks name={decodeURIComponent(arg)} /> : <Subgraphs />}
    </section>
  );
}

function Subgraphs() {
  const res = useRegistry<{ subgraphs: Subgraph[]; status: { name: string; health: Health }[] }>(`{ subgraphs { name url owner updatedAt } status { name health } }`);
  const health = new Map(res.data?.status.map((s) => [s.name, s.health]));
  if (res.loading && !res.data) return <Loading what="subgraphs" />;
  if (res.error) return <Failure error={res.error} />;
  return (
    <div className="scroll">
      <table>
        <caption>The subgraphs of the current supergraph</caption>
        <thead>
          <tr>
            <th scope="col">Subgraph</th>
            <th scope="col">Health</th>
            <th scope="col">URL</th>
            <th scope="col">Owner</th>
            <th scope="col">Last published</th>
          </tr>
        </thead>
        <tbody>
          {res.data!.subgraphs.map((s) => (
            <tr key={s.name}>
              <th scope="row">
                <Link to={`/registry/subgraphs/${encodeURIComponent(s.name)}`}>{s.name}</Link>
              </th>
              <td>
                <HealthBadge health={health.get(s.name) ?? "UNKNOWN"} />
              </td>
              <td>
                <code>{s.url}</code>
              </td>
              <td>{s.owner || <span className="muted">—</span>}</td>
              <td>
                <When at={s.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Changes({ changes }: { changes: Change[] }) {
  if (changes.length === 0) return <p className="muted">No change to the API schema.</p>;
  return (
    <ul className="changes">
      {changes.map((c, i) => (
        <li key={i}>
          <Badge kind={c.severity}>{c.severity.toLowerCase()}</Badge> <code>{c.coordinate}</code> {c.message}
        </li>
      ))}
    </ul>
  );
}

function Versions() {
  const res = useRegistry<{ versions: Version[] }>(`{ versions(first: 50) { id message publisher createdAt subgraphs { name } changes { code severity coordinate message } } }`);
  if (res.loading && !res.data) return <Loading what="versions" />;
  if (res.error) return <Failure error={res.error} />;
  return (
    <ol className="versions" reversed>
      {res.data!.versions.map((v) => (
        <li key={v.id} id={`v${v.id}`}>
          <h2>
            Version {v.id}{" "}
            <span className="muted small">
              <When at={v.createdAt} /> by {v.publisher || "—"}
            </span>
          </h2>
          {v.message ? <p>{v.message}</p> : null}
          <p className="small muted">Subgraphs: {v.subgraphs.map((s) => s.name).join(", ")}</p>
          <Changes changes={v.changes} />
          {v.id > 1 ? <Link to={`/registry/diff?from=${v.id - 1}&to=${v.id}`}>Compare with version {v.id - 1}</Link> : null}
        </li>
      ))}
    </ol>
  );
}

function Diff() {
  const q = new URLSearchParams(location.search);
  const versions = useRegistry<{ versions: { id: number }[] }>(`{ versions(first: 500) { id } }`);
  const ids = versions.data?.versions.map((v) => v.id) ?? [];
  const [from, setFrom] = useState(Number(q.get("from")) || 0);
  const [to, setTo] = useState(Number(q.get("to")) || 0);
  useEffect(() => {
    if (ids.length && !to) setTo(ids[0]);
    if (ids.length > 1 && !from) setFrom(ids[1]);
  }, [ids.length]); // eslint-disable-line react-hooks/exhaustive-deps
  const diff = useRegistry<{ diff: Change[] }>(from && to ? `query($f: Int!, $t: Int!) { diff(from: $f, to: $t) { code severity coordinate message } }` : null, { f: from, t: to });
  const pick = (f: number, t: number) => {
    setFrom(f);
    setTo(t);
    navigate(`/registry/diff?from=${f}&to=${t}`, true);
  };
  if (versions.error) return <Failure error={versions.error} />;
  if (ids.length < 2 && !versions.loading) return <p className="muted">Compare needs two versions; there are {ids.length}.</p>;
  return (
    <>
      <form className="row" onSubmit={(e) => e.preventDefault()} aria-label="Versions to compare">
        <label>
          From version
          <select value={from} onChange={(e) => pick(Number(e.target.value), to)}>
            {ids.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label>
          To version
          <select value={to} onChange={(e) => pick(from, Number(e.target.value))}>
            {ids.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
      </form>
      <h2>
        From version {from} to version {to}
      </h2>
      {diff.loading ? <Loading what="the diff" /> : diff.error ? <Failure error={diff.error} /> : diff.data ? <Changes changes={diff.data.diff} /> : null}
    </>
  );
}

interface Check {
  id: number;
  passed: boolean;
  baseVersion: number;
  createdAt: string;
  errors: { code: string; message: string }[];
  changes: (Change & { inUse: boolean; requests: number })[];
}

function SubgraphChecks({ name }: { name: string }) {
  const res = useRegistry<{ checks: Check[] }>(
    `query($n: String!) { checks(subgraph: $n, first: 20) { id passed baseVersion createdAt errors { code message } changes { code severity coordinate message inUse requests } } }`,
    { n: name },
  );
  return (
    <>
      <h2>Schema checks of {name}</h2>
      {res.loading && !res.data ? (
        <Loading what="checks" />
      ) : res.error ? (
        <Failure error={res.error} />
      ) : res.data!.checks.length === 0 ? (
        <p className="muted">
          No checks yet. Run <code>atrium subgraph check --name {name} --schema schema.graphql</code>.
        </p>
      ) : (
        <ol className="versions">
          {res.data!.checks.map((c) => (
            <li key={c.id}>
              <h3>
                Check {c.id} <Badge kind={c.passed ? "safe" : "breaking"}>{c.passed ? "passed" : "failed"}</Badge>{" "}
                <span className="muted small">
                  against version {c.baseVersion}, <When at={c.createdAt} />
                </span>
              </h3>
              {c.errors.length > 0 ? (
                <ul className="changes">
                  {c.errors.map((e, i) => (
                    <li key={i}>
                      <Badge kind="breaking">{e.code}</Badge> {e.message}
                    </li>
                  ))}
                </ul>
              ) : null}
              <Changes changes={c.changes} />
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
