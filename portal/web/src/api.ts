// The registry API (GraphQL at config.registry) with the signed-in user's token.
import { accessToken } from "./auth";
import { config } from "./config";

export class APIError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

export async function registry<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const token = await accessToken();
  if (!token) throw new APIError("Sign in to see this.", "UNAUTHENTICATED");
  const res = await fetch(config.registry, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/graphql-response+json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json().catch(() => null);
  if (!body) throw new APIError(`The registry answered ${res.status}.`);
  if (body.errors?.length) {
    const e = body.errors[0];
    throw new APIError(e.message, e.extensions?.code);
  }
  return body.data as T;
}
