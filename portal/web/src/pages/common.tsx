import { useState, type ReactNode } from "react";
import { signIn } from "../auth";
import { config } from "../config";
import { currentPath } from "../router";

export function SignInNeeded() {
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <p>Sign in to read the schema, manage your API clients and follow the changelog.</p>
      {config.signIn ? (
        <button onClick={() => void signIn(config.base + currentPath())}>Sign in</button>
      ) : (
        <p className="error">Sign-in is not available: the token issuer is off on this gateway.</p>
      )}
    </section>
  );
}

// NotFound says what is missing; children say it for one kind of page (with a way back).
export function NotFound({ children }: { children?: ReactNode }) {
  return (
    <section className="narrow">
      <h1>Not found</h1>
      <p>{children ?? "There is no such page in the portal."}</p>
    </section>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Failure({ error }: { error: Error }) {
  return (
    <p className="error" role="alert">
      {error.message}
    </p>
  );
}

export function Badge({ kind, children }: { kind: string; children: ReactNode }) {
  return <span className={`badge ${kind.toLowerCase()}`}>{children}</span>;
}

export function When({ at }: { at: string }) {
  const d = new Date(at);
  return <time dateTime={at}>{isNaN(d.getTime()) ? at : d.toLocaleString()}</time>;
}

// download saves text as a file.
export function download(name: string, text: string, type = "text/plain") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Confirm asks a second time, in place, before something that cannot be undone; keep
// names the button that backs out ("Cancel" unless that is the action's own name).
export function Confirm({ label, what, warning, danger, keep = "Cancel", onConfirm }: { label: string; what: string; warning: string; danger?: boolean; keep?: string; onConfirm: () => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button className={danger ? "danger" : undefined} onClick={() => setAsking(true)} aria-label={`${label}: ${what}`}>
        {label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={`Confirm: ${label.toLowerCase()} ${what}`}>
      <span className="small">{warning}</span>{" "}
      <button
        className={danger ? "danger" : undefined}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes, {label.toLowerCase()}
      </button>
      <button onClick={() => setAsking(false)}>{keep}</button>
    </span>
  );
}
