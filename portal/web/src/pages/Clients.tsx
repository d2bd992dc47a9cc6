import { useState, type FormEvent } from "react";
import { registry } from "../api";
import { config } from "../config";
import { useRegistry } from "../hooks";
import { hasRole, useViewer } from "../viewer";
import { Badge, Confirm, Failure, Loading, When } from "./common";
import { ClientTraffic } from "./Traffic";

interface APIClient {
  id: string;
  name: string;
  public: boolean;
  scopes: string[];
  requestedScopes: string[];
  grantTypes: string[];
  owner?: string | null;
  createdAt: string;
}

const fields = `id name public scopes requestedScopes grantTypes owner createdAt`;

export function Clients() {
  const admin = hasRole(useViewer(), "ADMIN");
  const list = useRegistry<{ clients: APIClient[] }>(`{ clients { ${fields} } }`);
  const [secret, setSecret] = useState<{ id: string; secret: string } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [usage, setUsage] = useState<APIClient | null>(null);

  const act = async (f: () => Promise<void>) => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e as Error);
    }
    list.reload();
  };
  const rotate = (c: APIClient) =>
    act(async () => {
      const r = await registry<{ rotateClientSecret: { secret: string } }>(`mutation($id: ID!) { rotateClientSecret(id: $id) { secret } }`, { id: c.id });
      setSecret({ id: c.id, secret: r.rotateClientSecret.secret });
    });
  const remove = (c: APIClient) =>
    act(async () => {
      await registry(`mutation($id: ID!) { deleteClient(id: $id) }`, { id: c.id });
      if (secret?.id === c.id) setSecret(null);
    });

  return (
    <section>
      <h1>API clients</h1>
      <p>
        An API client is your application's identity: it gets access tokens with the client-credentials grant and sends them as <code>Authorization: Bearer</code>.
        {admin ? " As an administrator you see every client." : " You see the clients you registered."}
      </p>
      {secret ? <SecretOnce {...secret} onDone={() => setSecret(null)} /> : null}
      {error ? <Failure error={error} /> : null}
      <CreateClient onCreated={(id, s) => act(async () => setSecret({ id, secret: s }))} />
      <h2>Your clients</h2>
      {list.loading && !list.data ? (
        <Loading what="clients" />
      ) : list.error ? (
        <Failure error={list.error} />
      ) : list.data!.clients.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <div className="scroll">
          <table className="clients">
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Scopes granted</th>
                <th scope="col">Waiting for approval</th>
                {admin ? <th scope="col">Owner</th> : null}
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data!.clients.map((c) => {
                const pending = c.requestedScopes.filter((s) => !c.scopes.includes(s));
                return (
                  <tr key={c.id}>
                    <th scope="row">
                      {c.name || c.id}
                      <br />
                      <code className="small">{c.id}</code> {c.public ? <Badge kind="info">public</Badge> : null}
                    </th>
                    <td>{c.scopes.join(" ") || <span className="muted">none</span>}</td>
                    <td>{pending.length ? pending.map((s) => <Badge key={s} kind="dangerous">{s}</Badge>) : <span className="muted">—</span>}</td>
                    {admin ? <td>{c.owner || <span className="muted">admin</span>}</td> : null}
                    <td>
                      <When at={c.createdAt} />
                    </td>
                    <td className="actions">
                      {c.id === config.signIn?.clientId ? (
                        <span className="muted small">The portal signs in with this client.</span>
                      ) : null}
                      <button onClick={() => setUsage(usage?.id === c.id ? null : c)} aria-pressed={usage?.id === c.id} aria-label={`Usage: ${c.name || c.id}`}>
                        Usage
                      </button>
                      {!c.public ? (
                        <Confirm label="Rotate secret" what={c.name || c.id} warning="The current secret stops working at once." onConfirm={() => rotate(c)} />
                      ) : null}
                      {admin && pending.length ? <Grant c={c} onDone={() => list.reload()} /> : null}
                      {c.id !== config.signIn?.clientId ? <Confirm label="Delete" danger what={c.name || c.id} warning="Its tokens stop working at once." onConfirm={() => remove(c)} /> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {usage ? <ClientTraffic id={usage.id} name={usage.name || usage.id} /> : null}
    </section>
  );
}

function CreateClient({ onCreated }: { onCreated: (id: string, secret: string) => void }) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await registry<{ createClient: { client: APIClient; secret: string } }>(
        `mutation($in: CreateClientInput!) { createClient(input: $in) { client { id } secret } }`,
        { in: { name: name.trim(), scopes: scopes.split(/[\s,]+/).filter(Boolean), grantTypes: ["client_credentials"] } },
      );
      setName("");
      setScopes("");
      onCreated(r.createClient.client.id, r.createClient.secret);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-client">
      <h2 id="new-client">Register a client</h2>
      <div className="row">
        <label>
          Name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="Reports service" />
        </label>
        <label>
          Scopes it needs <span className="muted small">(space-separated)</span>
          <input value={scopes} onChange={(e) => setScopes(e.target.value)} placeholder="orders:read" />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Registering…" : "Register"}
        </button>
      </div>
      {error ? <Failure error={error} /> : null}
    </form>
  );
}

function SecretOnce({ id, secret, onDone }: { id: string; secret: string; onDone: () => void }) {
  const token = new URL(config.signIn?.token ?? "/oauth/token", location.origin).toString();
  return (
    <div className="card secret" role="alert" aria-live="assertive">
      <h2>The secret of {id}</h2>
      <p>
        Copy it now: it is <strong>shown only this once</strong> and stored only as a hash.
      </p>
      <p>
        <code className="select" data-testid="client-secret">
          {secret}
        </code>{" "}
        <button onClick={() => void navigator.clipboard?.writeText(secret)}>Copy</button>
      </p>
      <pre>
        <code>{`curl -u '${id}:${secret}' -d grant_type=client_credentials ${token}`}</code>
      </pre>
      <button onClick={onDone}>I have saved it</button>
    </div>
  );
}

function Grant({ c, onDone }: { c: APIClient; onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const grant = async () => {
    try {
      await registry(`mutation($id: ID!, $s: [String!]!) { grantClientScopes(id: $id, scopes: $s) { id } }`, { id: c.id, s: c.requestedScopes });
      onDone();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <>
      <button onClick={grant}>Grant requested scopes</button>
      {error ? <span className="error">{error}</span> : null}
    </>
  );
}
