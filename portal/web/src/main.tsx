import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { config } from "./config";
import { App } from "./App";
import "./styles.css";

// Sign-in state lives per origin: a portal opened on another name of the same server
// (localhost vs 127.0.0.1) moves to the issuer's, where the callback will land.
const origin = config.signIn?.origin;
if (origin && origin !== location.origin && /^(localhost|127\.0\.0\.1|\[::1\])$/.test(location.hostname)) {
  location.replace(origin + location.pathname + location.search + location.hash);
} else {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
