// An API client's traffic: requests (errors in red) per step as bars and the 95th
// latency percentile as a line, over a window the user picks. The numbers are also in a
// table for screen readers and for copying.
import { useState } from "react";
import { useRegistry } from "../hooks";
import { Failure, Loading } from "./common";

interface Point {
  start: string;
  requests: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}
interface Traffic {
  stepMinutes: number;
  requests: number;
  errors: number;
  p95Ms: number | null;
  points: Point[];
}

const windows: [number, string][] = [
  [6, "6 hours"],
  [24, "24 hours"],
  [168, "7 days"],
  [720, "30 days"],
];

export function ClientTraffic({ id, name }: { id: string; name: string }) {
  const [hours, setHours] = useState(24);
  const res = useRegistry<{ clientTraffic: Traffic }>(
    `query($id: ID!, $h: Int) { clientTraffic(id: $id, hours: $h) { stepMinutes requests errors p95Ms points { start requests errors p50Ms p95Ms p99Ms } } }`,
    { id, h: hours },
  );
  const t = res.data?.clientTraffic;
  return (
    <section className="card traffic" aria-label={`Usage of ${name}`}>
      <div className="row">
        <h2>Usage of {name}</h2>
        <label className="inline">
          Over the last{" "}
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            {windows.map(([h, label]) => (
              <option key={h} value={h}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {res.loading && !t ? (
        <Loading what="usage" />
      ) : res.error ? (
        <Failure error={res.error} />
      ) : t ? (
        <>
          <p data-testid="traffic-summary">
            {t.requests} request{t.requests === 1 ? "" : "s"}, {t.errors} with errors
            {t.p95Ms !== null ? `, 95% answered within ${formatMs(t.p95Ms)}` : ""}.
          </p>
          <Chart t={t} />
          <details>
            <summary>The numbers</summary>
            <div className="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">From</th>
                    <th scope="col">Requests</th>
                    <th scope="col">Errors</th>
                    <th scope="col">p50</th>
                    <th scope="col">p95</th>
                    <th scope="col">p99</th>
                  </tr>
                </thead>
                <tbody>
                  {t.points
                    .filter((p) => p.requests > 0)
                    .map((p) => (
                      <tr key={p.start}>
                        <td>{new Date(p.start).toLocaleString()}</td>
                        <td>{p.requests}</td>
                        <td>{p.errors}</td>
                        <td>{formatMs(p.p50Ms)}</td>
                        <td>{formatMs(p.p95Ms)}</td>
                        <td>{formatMs(p.p99Ms)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      ) : null}
    </section>
  );
}

function formatMs(ms: number | null): string {
  if (ms === null) return "—";
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

const W = 720;
const H = 160;
const PAD = 28;

function Chart({ t }: { t: Traffic }) {
  const n = t.points.length || 1;
  const maxReq = Math.max(1, ...t.points.map((p) => p.requests));
  const maxMs = Math.max(1, ...t.points.map((p) => p.p95Ms ?? 0));
  const bw = (W - 2 * PAD) / n;
  const y = (v: number, max: number) => H - PAD - (v / max) * (H - 2 * PAD);
  const line = t.points
    .map((p, i) => (p.p95Ms === null ? null : `${PAD + i * bw + bw / 2},${y(p.p95Ms, maxMs)}`))
    .filter(Boolean)
    .join(" ");
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="img" aria-label={`Requests per ${t.stepMinutes} minutes, and the 95th latency percentile`}>
      <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} className="axis" />
      <text x={PAD} y={PAD - 10} className="legend">
        requests (max {maxReq}) · errors · p95 latency (max {formatMs(maxMs)})
      </text>
      {t.points.map((p, i) => (
        <g key={p.start}>
          <rect x={PAD + i * bw} y={y(p.requests, maxReq)} width={Math.max(1, bw - 1)} height={H - PAD - y(p.requests, maxReq)} className="bar" />
          {p.errors > 0 ? (
            <rect x={PAD + i * bw} y={y(p.errors, maxReq)} width={Math.max(1, bw - 1)} height={H - PAD - y(p.errors, maxReq)} className="bar-error" />
          ) : null}
        </g>
      ))}
      {line ? <polyline points={line} className="latency" /> : null}
    </svg>
  );
}
