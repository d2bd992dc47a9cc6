// A small router over the History API: paths are relative to the portal's base (/portal).
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from "react";
import { config } from "./config";

export function currentPath(): string {
  const p = location.pathname.startsWith(config.base) ? location.pathname.slice(config.base.length) : location.pathname;
  return p === "" ? "/" : p;
}

export function navigate(to: string, replace = false) {
  const url = to.startsWith(config.base) ? to : config.base + to;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  window.dispatchEvent(new PopStateEvent("popstate"));
  if (!url.includes("#")) window.scrollTo(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const on = () => setPath(currentPath());
    window.addEventListener("popstate", on);
    return () => window.removeEventListener("popstate", on);
  }, []);
  return path;
}

export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const href = config.base + to;
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a {...rest} href={href} onClick={onClick} />;
}
