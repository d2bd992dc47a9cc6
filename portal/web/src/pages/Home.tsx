import { config } from "../config";
import { useSession } from "../hooks";
import { Link } from "../router";

export function Home() {
  const s = useSession();
  return (
    <section className="narrow">
      <h1>{config.title}</h1>
      <p className="lead">One GraphQL API over every backend. Read the schema, try queries, and get credentials for your application.</p>
      <ul className="cards">
        <li>
          <Link to="/docs">Schema</Link>
          <p>Every type and field, with descriptions, arguments and deprecations. Search it, download the SDL.</p>
        </li>
        <li>
          <Link to="/playground">Playground</Link>
          <p>Run queries against the API{s ? " as yourself" : ""}, with an explorer and the query plan.</p>
        </li>
        <li>
          <Link to="/clients">API clients</Link>
          <p>Register your application and get its client ID and secret for the client-credentials grant.</p>
        </li>
        <li>
          <Link to="/changelog">Changelog</Link>
          <p>
            What changed in the API, version by version, breaking changes marked. Also as an <a href={`${config.base}/changelog.atom`}>Atom feed</a>.
          </p>
        </li>
      </ul>
      <h2>Use the API</h2>
      <pre>
        <code>{`curl ${location.origin}${config.graphql} \\
  -H 'content-type: application/json' \\
  -H 'authorization: Bearer <access token>' \\
  -d '{"query":"{ __typename }"}'`}</code>
      </pre>
    </section>
  );
}
