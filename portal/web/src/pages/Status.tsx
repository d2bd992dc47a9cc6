// The status page: each subgraph's health as the gateway sees it, open incidents and
// recently resolved ones. Owners open, update and resolve incidents.
import { useEffect, useState, type FormEvent } from "react";
import { registry } from "../api";
import { useRegistry } from "../hooks";
import { hasRole, useViewer } from "../viewer";
import { Badge, Failure, Loading, When } from "./common";
import "./content.css";

export type Health = "UP" | "DEGRADED" | "DOWN" | "UNKNOWN";
type Severity = "MINOR" | "MAJOR";
type IncidentStatus = "INVESTIGATING" | "IDENTIFIED" | "RESOLVED";

interface Incident {
  id: number;
  title: string;
  subgraphs: string[];
  severity: Severity;
  status: IncidentStatus;
  markdown: string;
  html: string;
  startedAt: string;
  resolvedAt?: string | null;
  updatedAt: string;
}
interface SubgraphStatus {
  name: string;
  health: Health;
  incidents: { id: number }[];
}

const incidentFields = `id title subgraphs severity status markdown html startedAt resolvedAt updatedAt`;
const statusQuery = `{ status { name health incidents { id } }
  open: incidents(open: true) { ${incidentFields} }
  resolved: incidents(open: false, first: 10) { ${incidentFields} } }`;

// Each health has a word and a symbol besides its colour, so that colour is never the only cue.
const healths: Record<Health, { label: string; symbol: string; help: string }> = {
  UP: { label: "Up", symbol: "✓", help: "Every endpoint passes its health checks." },
  DEGRADED: { label: "Degraded", symbol: "!", help: "Some endpoints fail their health checks or have their circuit breaker open." },
  DOWN: { label: "Down", symbol: "✕", help: "No endpoint serves." },
  UNKNOWN: { label: "Unknown", symbol: "?", help: "No health checks are configured for it, and no failures seen." },
};
const statuses: [IncidentStatus, string][] = [
  ["INVESTIGATING", "Investigating"],
  ["IDENTIFIED", "Identified"],
  ["RESOLVED", "Resolved"],
];
const statusName = (s: IncidentStatus) => statuses.find(([id]) => id === s)?.[1] ?? s;

export function Status() {
  const owner = hasRole(useViewer(), "OWNER");
  const res = useRegistry<{ status: SubgraphStatus[]; open: Incident[]; resolved: Incident[] }>(statusQuery);
  const [reporting, setReporting] = useState(false);
  const { reload } = res;
  // Health changes by itself: read it again every 30 seconds.
  useEffect(() => {
    const t = setInterval(reload, 30_000);
    return () => clearInterval(t);
  }, [reload]);
  if (res.loading && !res.data) return <Loading what="the status" />;
  if (res.error) return <Failure error={res.error} />;
  const { status, open, resolved } = res.data!;
  const names = status.map((s) => s.name);
  return (
    <section className="narrow">
      <h1>Status</h1>
      <p>How each subgraph behind the API is doing, as the gateway sees it (its health checks and circuit breakers), and the incidents its owners reported.</p>
      {status.length === 0 ? (
        <p className="muted">No supergraph has been published yet.</p>
      ) : (
        <div className="scroll">
          <table className="status">
            <caption>Subgraphs</caption>
            <thead>
              <tr>
                <th scope="col">Subgraph</th>
                <th scope="col">Health</th>
                <th scope="col">Open incidents</th>
              </tr>
            </thead>
            <tbody>
              {status.map((s) => (
                <tr key={s.name} data-subgraph={s.name} data-health={s.health}>
                  <th scope="row">{s.name}</th>
                  <td>
                    <HealthBadge health={s.health} />
                  </td>
                  <td>
                    {s.incidents.length ? (
                      s.incidents.map((i) => (
                        <a key={i.id} href={`#incident-${i.id}`} className="incident-link">
                          {open.find((o) => o.id === i.id)?.title ?? `Incident ${i.id}`}
                        </a>
                      ))
                    ) : (
                      <span className="muted">None</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {owner ? (
        reporting ? (
          <IncidentForm names={names} onDone={() => {
              setReporting(false);
              reload();
            }} onCancel={() => setReporting(false)} />
        ) : (
          <button onClick={() => setReporting(true)}>Report an incident</button>
        )
      ) : null}
      <h2>Open incidents</h2>
      {open.length === 0 ? (
        <p className="muted">None: nothing is known to be wrong.</p>
      ) : (
        <ol className="incidents">
          {open.map((i) => (
            <IncidentItem key={i.id} incident={i} owner={owner} names={names} onChange={reload} />
          ))}
        </ol>
      )}
      <h2>Recently resolved</h2>
      {resolved.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ol className="incidents">
          {resolved.map((i) => (
            <IncidentItem key={i.id} incident={i} owner={owner} names={names} onChange={reload} />
          ))}
        </ol>
      )}
    </section>
  );
}

export function HealthBadge({ health }: { health: Health }) {
  const h = healths[health];
  return (
    <span className={`health ${health.toLowerCase()}`} title={h.help}>
      <span aria-hidden="true">{h.symbol}</span> {h.label}
    </span>
  );
}

function IncidentItem({ incident: i, owner, names, onChange }: { incident: Incident; owner: boolean; names: string[]; onChange: () => void }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  if (editing)
    return (
      <li className="incident">
        <IncidentForm
          incident={i}
          names={names}
          onDone={() => {
            setEditing(false);
            onChange();
          }}
          onCancel={() => setEditing(false)}
        />
      </li>
    );
  const resolve = async () => {
    setError(null);
    try {
      await saveIncident({ ...inputOf(i), status: "RESOLVED" });
      onChange();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <li id={`incident-${i.id}`} className="incident" data-incident={i.title}>
      <h3>
        {i.title} <Badge kind={i.severity === "MAJOR" ? "breaking" : "dangerous"}>{i.severity === "MAJOR" ? "Major" : "Minor"}</Badge>
        <Badge kind={i.status === "RESOLVED" ? "safe" : "info"}>{statusName(i.status)}</Badge>
      </h3>
      <p className="meta">
        Affects {i.subgraphs.join(", ")}. Started <When at={i.startedAt} />
        {i.resolvedAt ? (
          <>
            , resolved <When at={i.resolvedAt} />
          </>
        ) : null}
        .
      </p>
      <div className="prose" dangerouslySetInnerHTML={{ __html: i.html }} />
      {owner ? (
        <p className="actions">
          <button onClick={() => setEditing(true)}>Update</button>
          {i.status !== "RESOLVED" ? <button onClick={() => void resolve()}>Resolve</button> : null}
        </p>
      ) : null}
      {error ? <Failure error={error} /> : null}
    </li>
  );
}

interface IncidentInput {
  id?: number | null;
  title: string;
  subgraphs: string[];
  severity: Severity;
  status: IncidentStatus;
  markdown: string;
}

const inputOf = (i: Incident): IncidentInput => ({ id: i.id, title: i.title, subgraphs: i.subgraphs, severity: i.severity, status: i.status, markdown: i.markdown });

async function saveIncident(input: IncidentInput) {
  await registry(`mutation($in: SaveIncidentInput!) { saveIncident(input: $in) { id } }`, { in: input });
}

// IncidentForm opens an incident, or updates one (its status, to resolve or reopen it).
function IncidentForm({ incident, names, onDone, onCancel }: { incident?: Incident; names: string[]; onDone: () => void; onCancel: () => void }) {
  const [title, setTitle] = useState(incident?.title ?? "");
  const [subgraphs, setSubgraphs] = useState<string[]>(incident?.subgraphs ?? []);
  const [severity, setSeverity] = useState<Severity>(incident?.severity ?? "MINOR");
  const [status, setStatus] = useState<IncidentStatus>(incident?.status ?? "INVESTIGATING");
  const [text, setText] = useState(incident?.markdown ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  // Subgraphs removed since the incident opened stay on it.
  const choices = [...new Set([...names, ...(incident?.subgraphs ?? [])])].sort();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await saveIncident({ id: incident?.id ?? null, title: title.trim(), subgraphs, severity, status, markdown: text });
      onDone();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const heading = incident ? `Update “${incident.title}”` : "Report an incident";
  return (
    <form className="card" onSubmit={submit} aria-label={heading}>
      <h2>{heading}</h2>
      <label>
        Title
        <input name="title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Reviews are slow" />
      </label>
      <fieldset>
        <legend>Subgraphs affected</legend>
        {choices.map((n) => (
          <label key={n} className="check">
            <input
              type="checkbox"
              name="subgraph"
              value={n}
              checked={subgraphs.includes(n)}
              onChange={(e) => setSubgraphs(e.target.checked ? [...subgraphs, n] : subgraphs.filter((s) => s !== n))}
            />{" "}
            {n}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <label>
          Severity
          <select name="severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
            <option value="MINOR">Minor: some requests fail or are slow</option>
            <option value="MAJOR">Major: mostly or wholly unavailable</option>
          </select>
        </label>
        <label>
          Status
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value as IncidentStatus)}>
            {statuses.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        What happens, and what to do <span className="muted small">(Markdown)</span>
        <textarea name="text" rows={6} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <p className="row">
        <button type="submit" disabled={busy || subgraphs.length === 0}>
          {busy ? "Saving…" : incident ? "Save" : "Open the incident"}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </p>
      {error ? <Failure error={error} /> : null}
    </form>
  );
}
