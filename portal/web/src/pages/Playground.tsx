// The playground: GraphiQL with the explorer, the signed-in user's token on every request,
// and the query plan of the operation in the editor. Loaded lazily (it is most of the bundle).
import { useMemo, useState } from "react";
import { GraphiQL } from "graphiql";
import { explorerPlugin } from "@graphiql/plugin-explorer";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { useEditorContext, type GraphiQLPlugin } from "@graphiql/react";
import "graphiql/style.css";
import "@graphiql/plugin-explorer/style.css";
import { registry } from "../api";
import { accessToken } from "../auth";
import { config } from "../config";
import { useSession } from "../hooks";
import { hasRole, useViewer } from "../viewer";
import { savedPlugin } from "./SavedOperations";

// fetcherFor sends the editor's operations to a graph's endpoint with the user's token,
// read per request: it may have been refreshed since the page loaded.
function fetcherFor(url: string) {
  return createGraphiQLFetcher({
    url,
    fetch: async (input, init) => {
      const token = await accessToken();
      const headers = new Headers(init?.headers);
      if (token && !headers.has("Authorization")) headers.set("Authorization", `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    },
  });
}

function PlanView() {
  const editors = useEditorContext();
  const [plan, setPlan] = useState<{ text?: string; error?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const show = async () => {
    setBusy(true);
    try {
      const query = editors?.queryEditor?.getValue() ?? "";
      const r = await registry<{ queryPlan: { text: string } }>(`query($q: String!, $o: String) { queryPlan(query: $q, operationName: $o) { text } }`, {
        q: query,
        o: editors?.queryEditor?.operationName ?? null,
      });
      setPlan({ text: r.queryPlan.text });
    } catch (e) {
      setPlan({ error: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="plan">
      <div className="graphiql-doc-explorer-title">Query plan</div>
      <p>How the gateway runs the operation in the editor: which subgraphs it calls, in which order.</p>
      <button className="graphiql-button" onClick={show} disabled={busy}>
        {busy ? "Planning…" : "Show the plan"}
      </button>
      {plan?.error ? (
        <p className="error" role="alert">
          {plan.error}
        </p>
      ) : null}
      {plan?.text ? <pre data-testid="query-plan">{plan.text}</pre> : null}
    </div>
  );
}

const planPlugin: GraphiQLPlugin = {
  title: "Query plan",
  icon: () => (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
      <circle cx="5" cy="6" r="2" />
      <circle cx="5" cy="18" r="2" />
      <circle cx="19" cy="12" r="2" />
      <path d="M7 6h4l6 6M7 18h4l6-6" />
    </svg>
  ),
  content: PlanView,
};

const explorer = explorerPlugin();

const initialQuery = `# Write a query, or pick fields in the explorer, and press the run button.
{
  __typename
}
`;

export default function Playground() {
  const s = useSession();
  // Plans name the subgraphs behind the API: owners only.
  const viewer = useViewer();
  const owner = hasRole(viewer, "OWNER");
  // Saved operations belong to a signed-in user.
  const plugins = useMemo(() => [explorer, ...(viewer ? [savedPlugin] : []), ...(owner ? [planPlugin] : [])], [viewer, owner]);
  // A variant (e.g. sandbox) is another graph with its own backends: try the API there
  // without touching production.
  const graphs = config.variants.length ? config.variants : [{ name: "production", graphql: config.graphql, registry: config.registry }];
  const [target, setTarget] = useState(() => sessionStorage.getItem("atrium.portal.graph") ?? graphs[0].name);
  const graph = graphs.find((g) => g.name === target) ?? graphs[0];
  const fetcher = useMemo(() => fetcherFor(graph.graphql), [graph.graphql]);
  const pick = (name: string) => {
    sessionStorage.setItem("atrium.portal.graph", name);
    setTarget(name);
  };
  return (
    <div className="playground">
      <div className="row banner">
        {graphs.length > 1 ? (
          <label className="inline">
            Graph{" "}
            <select value={graph.name} onChange={(e) => pick(e.target.value)} aria-describedby="graph-endpoint">
              {graphs.map((g) => (
                <option key={g.name} value={g.name}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <span id="graph-endpoint" className="muted small">
          Requests go to <code>{graph.graphql}</code>
          {s ? " with your token." : " without a token: sign in to query as yourself."}
        </span>
      </div>
      {/* A new graph is a new schema: GraphiQL starts over with it. */}
      <GraphiQL key={graph.name} fetcher={fetcher} plugins={plugins} defaultQuery={initialQuery} />
    </div>
  );
}
