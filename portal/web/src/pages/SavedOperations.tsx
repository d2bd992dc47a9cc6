// The playground's "Saved operations" panel: the signed-in user's operations, kept in the
// registry (so they follow the user to any browser), loaded into the editor with a click.
import { useState, type FormEvent } from "react";
import { useEditorContext, type GraphiQLPlugin } from "@graphiql/react";
import { registry } from "../api";
import { useRegistry } from "../hooks";

interface Saved {
  id: string;
  name: string;
  query: string;
  variables: string;
}

function SavedView() {
  const editors = useEditorContext();
  const list = useRegistry<{ savedOperations: Saved[] }>(`{ savedOperations { id name query variables } }`);
  const [name, setName] = useState("");
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const run = async (f: () => Promise<string>) => {
    try {
      setMessage({ text: await f() });
    } catch (e) {
      setMessage({ text: (e as Error).message, error: true });
    }
    list.reload();
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await registry(`mutation($in: SaveOperationInput!) { saveOperation(input: $in) { id } }`, {
        in: { name, query: editors?.queryEditor?.getValue() ?? "", variables: editors?.variableEditor?.getValue()?.trim() || null },
      });
      return `Saved as “${name.trim()}”.`;
    });
  };
  const load = (op: Saved) => {
    editors?.queryEditor?.setValue(op.query);
    editors?.variableEditor?.setValue(op.variables);
    setName(op.name);
    setMessage({ text: `Loaded “${op.name}”.` });
  };
  const remove = (op: Saved) =>
    void run(async () => {
      await registry(`mutation($id: ID!) { deleteSavedOperation(id: $id) }`, { id: op.id });
      return `Deleted “${op.name}”.`;
    });
  return (
    <div className="saved">
      <div className="graphiql-doc-explorer-title">Saved operations</div>
      <form onSubmit={save}>
        <label>
          Save the editor's operation as
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="Top products" />
        </label>
        <button className="graphiql-button" type="submit">
          Save
        </button>
      </form>
      {message ? (
        <p className={message.error ? "error" : "muted"} role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      ) : null}
      {list.error ? (
        <p className="error">{list.error.message}</p>
      ) : list.data?.savedOperations.length === 0 ? (
        <p className="muted">None yet. Saved operations are yours, on any browser you sign in with.</p>
      ) : (
        <ul className="saved-list">
          {list.data?.savedOperations.map((op) => (
            <li key={op.id}>
              <button className="graphiql-button link" onClick={() => load(op)} title="Load it into the editor">
                {op.name}
              </button>
              <button className="graphiql-button" onClick={() => remove(op)} aria-label={`Delete ${op.name}`}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const savedPlugin: GraphiQLPlugin = {
  title: "Saved operations",
  icon: () => (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
      <path d="M6 3h12v18l-6-4-6 4z" />
    </svg>
  ),
  content: SavedView,
};
