import { lazy, Suspense, useEffect, useState } from "react";
import { signIn, signOut } from "./auth";
import { config } from "./config";
import { useRegistry, useSession } from "./hooks";
import { Link, usePath } from "./router";
import { hasRole, ViewerContext, type Viewer } from "./viewer";
import { Home } from "./pages/Home";
import { Docs } from "./pages/Docs";
import { Clients } from "./pages/Clients";
import { Registry } from "./pages/Registry";
import { Changelog } from "./pages/Changelog";
import { Feedback } from "./pages/Feedback";
import { Callback } from "./pages/Callback";
import { Guides } from "./pages/Content";
import { Status } from "./pages/Status";
import { Products } from "./pages/Products";
import { NotFound, SignInNeeded } from "./pages/common";

// GraphiQL is most of the bundle: it loads only when the playground opens.
const Playground = lazy(() => import("./pages/Playground"));

const viewerQuery = `{ viewer { subject name email roles } }`;

export function App() {
  const path = usePath();
  const s = useSession();
  const viewer = useRegistry<{ viewer: Viewer }>(s ? viewerQuery : null);
  const v = s ? (viewer.data?.viewer ?? null) : null;
  const [menu, setMenu] = useState(false);
  useEffect(() => setMenu(false), [path]);
  useEffect(() => {
    document.title = `${title(path)} · ${config.title}`;
  }, [path]);

  const nav: [string, string, boolean][] = [
    ["/docs", "Schema", true],
    ["/guides", "Guides", true],
    ["/playground", "Playground", true],
    ["/changelog", "Changelog", true],
    ["/feedback", "Feedback", !!s],
    ["/status", "Status", true],
    ["/products", "API products", !!s],
    ["/clients", "API clients", !!s],
    ["/registry", "Registry", hasRole(v, "OWNER")],
  ];
  return (
    <ViewerContext.Provider value={v}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          {config.title}
        </Link>
        <button className="menu" aria-expanded={menu} aria-controls="nav" onClick={() => setMenu(!menu)}>
          Menu
        </button>
        <nav id="nav" aria-label="Portal" className={menu ? "open" : ""}>
          {nav
            .filter(([, , shown]) => shown)
            .map(([to, label]) => (
              <Link key={to} to={to} aria-current={path === to || path.startsWith(to + "/") ? "page" : undefined}>
                {label}
              </Link>
            ))}
        </nav>
        <div className="who">
          {s ? (
            <>
              <span className="name" title={v?.subject}>
                {v?.name ?? "…"}
              </span>
              <button className="link" onClick={() => void signOut()}>
                Sign out
              </button>
            </>
          ) : config.signIn ? (
            <button onClick={() => void signIn(path)}>Sign in</button>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {viewer.error && s ? <p className="error">{viewer.error.message}</p> : null}
        <Route path={path} signedIn={!!s} />
      </main>
    </ViewerContext.Provider>
  );
}

function Route({ path, signedIn }: { path: string; signedIn: boolean }) {
  if (path === "/callback") return <Callback />;
  if (path === "/") return <Home />;
  if (path === "/playground")
    return (
      <Suspense fallback={<p className="muted">Loading the playground…</p>}>
        <Playground />
      </Suspense>
    );
  if (!signedIn && /^\/(docs|clients|registry|changelog|feedback|guides|status|products)/.test(path)) return <SignInNeeded />;
  if (path === "/docs" || path.startsWith("/docs/")) return <Docs type={decodeURIComponent(path.slice(6))} />;
  if (path === "/clients") return <Clients />;
  if (path === "/registry" || path.startsWith("/registry/")) return <Registry path={path.slice(9)} />;
  if (path === "/changelog") return <Changelog />;
  if (path === "/feedback" || path.startsWith("/feedback/")) return <Feedback path={path.slice(9)} />;
  if (path === "/guides" || path.startsWith("/guides/")) return <Guides slug={decodeURIComponent(path.slice(8))} />;
  if (path === "/status") return <Status />;
  if (path === "/products" || path.startsWith("/products/")) return <Products slug={decodeURIComponent(path.slice(10))} />;
  return <NotFound />;
}

function title(path: string): string {
  const first = path.split("/")[1];
  return (
    { "": "Home", docs: "Schema", playground: "Playground", clients: "API clients", registry: "Registry", changelog: "Changelog", feedback: "Feedback", callback: "Signing in", guides: "Guides", status: "Status", products: "API products" }[first] ??
    "Not found"
  );
}
