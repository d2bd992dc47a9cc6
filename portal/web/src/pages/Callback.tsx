import { useEffect, useRef, useState } from "react";
import { finishSignIn } from "../auth";
import { navigate } from "../router";

export function Callback() {
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return; // StrictMode runs effects twice; a code is good once
    started.current = true;
    finishSignIn(new URLSearchParams(location.search)).then(
      (to) => navigate(to, true),
      (e: Error) => setError(e.message),
    );
  }, []);
  return (
    <section className="narrow">
      <h1>Signing in</h1>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : (
        <p role="status">One moment…</p>
      )}
    </section>
  );
}
