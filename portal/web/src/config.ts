// What the server tells the portal about itself, in <script type="application/json"
// id="atrium-config"> of the page (../portal.go writes it; no request on first load).
export interface PortalConfig {
  title: string;
  // The portal's root path, e.g. "/portal".
  base: string;
  graphql: string;
  registry: string;
  // The graphs the playground can target: production (the main one) first, then variants.
  variants: { name: string; graphql: string; registry: string }[];
  // Sign-in through Atrium's token issuer; absent when the issuer is off.
  signIn?: {
    origin: string;
    clientId: string;
    authorize: string;
    token: string;
    revoke: string;
    scopes: string[];
  };
}

function read(): PortalConfig {
  const el = document.getElementById("atrium-config");
  const fallback: PortalConfig = { title: "Atrium", base: "/portal", graphql: "/graphql", registry: "/api/graphql", variants: [] };
  if (!el?.textContent) return fallback;
  try {
    return { ...fallback, ...JSON.parse(el.textContent) };
  } catch {
    return fallback;
  }
}

export const config = read();
