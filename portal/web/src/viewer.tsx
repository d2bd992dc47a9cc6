import { createContext, useContext } from "react";

export type Role = "CONSUMER" | "OWNER" | "ADMIN";

export interface Viewer {
  subject: string;
  name: string;
  email?: string | null;
  roles: Role[];
}

export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer | null {
  return useContext(ViewerContext);
}

export function hasRole(v: Viewer | null, r: Role): boolean {
  return !!v?.roles.includes(r);
}
