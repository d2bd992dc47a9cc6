// Sign-in: OAuth 2.0 authorization code with PKCE (S256) against Atrium's token issuer,
// which sends the user on to the configured OpenID Connect provider. Tokens stay in this
// tab's sessionStorage: closing the tab signs out, and no other site can read them.
import { config } from "./config";

const storeKey = "atrium.portal.session";
const pendingKey = "atrium.portal.pending";

export interface Session {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number; // ms since the epoch
}

type Listener = (s: Session | null) => void;
const listeners = new Set<Listener>();

function load(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(storeKey) ?? "null");
    return s && typeof s.accessToken === "string" ? (s as Session) : null;
  } catch {
    return null;
  }
}

let current = load();

function save(s: Session | null) {
  current = s;
  if (s) sessionStorage.setItem(storeKey, JSON.stringify(s));
  else sessionStorage.removeItem(storeKey);
  listeners.forEach((l) => l(s));
}

export function session(): Session | null {
  return current;
}

export function onSession(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

function base64url(bytes: Uint8Array): string {
  let s = "";
  bytes.forEach((b) => (s += String.fromCharCode(b)));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function random(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export function redirectURI(): string {
  return `${config.signIn?.origin ?? location.origin}${config.base}/callback`;
}

// signIn leaves the page for the issuer's authorize endpoint; the user comes back to
// /callback, where finishSignIn completes.
export async function signIn(returnTo: string): Promise<void> {
  const si = config.signIn;
  if (!si) throw new Error("Sign-in is not available: the token issuer is off.");
  const verifier = random();
  const state = random();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  sessionStorage.setItem(pendingKey, JSON.stringify({ verifier, state, returnTo }));
  const q = new URLSearchParams({
    response_type: "code",
    client_id: si.clientId,
    redirect_uri: redirectURI(),
    scope: si.scopes.join(" "),
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  location.assign(`${si.authorize}?${q}`);
}

async function tokenRequest(body: Record<string, string>): Promise<Session> {
  const si = config.signIn!;
  const res = await fetch(si.token, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: si.clientId, ...body }),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || typeof json.access_token !== "string") {
    throw new Error(json.error_description || json.error || `The token endpoint answered ${res.status}.`);
  }
  return {
    accessToken: json.access_token,
    refreshToken: json.refresh_token,
    expiresAt: Date.now() + (Number(json.expires_in) || 300) * 1000,
  };
}

// finishSignIn trades the code for tokens; it returns where the user was going.
export async function finishSignIn(params: URLSearchParams): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(pendingKey) ?? "null");
  sessionStorage.removeItem(pendingKey);
  if (params.get("error")) {
    throw new Error(params.get("error") === "access_denied" ? "Sign-in was cancelled or refused." : `Sign-in failed: ${params.get("error")}.`);
  }
  if (!pending || pending.state !== params.get("state") || !params.get("code")) {
    throw new Error("This sign-in link is not the one this tab started. Sign in again.");
  }
  save(await tokenRequest({ grant_type: "authorization_code", code: params.get("code")!, redirect_uri: redirectURI(), code_verifier: pending.verifier }));
  return typeof pending.returnTo === "string" && pending.returnTo.startsWith(config.base) ? pending.returnTo : config.base + "/";
}

let refreshing: Promise<Session | null> | null = null;

// accessToken returns a token valid for at least 30 s more, refreshing it if it can.
export async function accessToken(): Promise<string | null> {
  const s = current;
  if (!s) return null;
  if (s.expiresAt - Date.now() > 30_000) return s.accessToken;
  if (!s.refreshToken) {
    save(null);
    return null;
  }
  refreshing ??= tokenRequest({ grant_type: "refresh_token", refresh_token: s.refreshToken })
    .then((n) => (save(n), n))
    .catch(() => (save(null), null))
    .finally(() => (refreshing = null));
  return (await refreshing)?.accessToken ?? null;
}

export async function signOut(): Promise<void> {
  const s = current;
  save(null);
  const si = config.signIn;
  if (!s || !si) return;
  // Revoking the refresh token ends the whole sign-in at the issuer.
  await fetch(si.revoke, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: si.clientId, token: s.refreshToken ?? s.accessToken }),
  }).catch(() => undefined);
}
