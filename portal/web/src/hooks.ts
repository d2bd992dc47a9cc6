import { useCallback, useEffect, useState } from "react";
import { onSession, session, type Session } from "./auth";
import { registry } from "./api";

export function useSession(): Session | null {
  const [s, setS] = useState(session);
  useEffect(() => onSession(setS), []);
  return s;
}

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload: () => void;
}

// useRegistry runs a registry query when the inputs change (and again on reload).
export function useRegistry<T>(query: string | null, variables?: Record<string, unknown>): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: query !== null });
  const [tick, setTick] = useState(0);
  const vars = JSON.stringify(variables ?? {});
  useEffect(() => {
    if (query === null) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    registry<T>(query, JSON.parse(vars)).then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [query, vars, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
