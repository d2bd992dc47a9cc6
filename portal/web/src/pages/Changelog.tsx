import { config } from "../config";
import { useRegistry } from "../hooks";
import { Failure, Loading, When } from "./common";
import { Changes } from "./Registry";

interface Entry {
  version: number;
  createdAt: string;
  message: string;
  changes: { code: string; severity: string; coordinate: string; message: string }[];
}

export function Changelog() {
  const res = useRegistry<{ changelog: Entry[] }>(`{ changelog(first: 50) { version createdAt message changes { code severity coordinate message } } }`);
  return (
    <section className="narrow">
      <h1>Changelog</h1>
      <p>
        Every version that changed the API, newest first; breaking changes are marked. Follow it in a feed reader: <a href={`${config.base}/changelog.atom`}>Atom feed</a>.
      </p>
      {res.loading && !res.data ? (
        <Loading what="the changelog" />
      ) : res.error ? (
        <Failure error={res.error} />
      ) : res.data!.changelog.length === 0 ? (
        <p className="muted">Nothing has changed yet.</p>
      ) : (
        <ol className="versions" reversed>
          {res.data!.changelog.map((e) => {
            const breaking = e.changes.filter((c) => c.severity === "BREAKING").length;
            return (
              <li key={e.version} id={`v${e.version}`}>
                <h2>
                  Version {e.version} {breaking ? <span className="badge breaking">{breaking} breaking</span> : null}{" "}
                  <span className="muted small">
                    <When at={e.createdAt} />
                  </span>
                </h2>
                {e.message ? <p>{e.message}</p> : null}
                <Changes changes={e.changes} />
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
