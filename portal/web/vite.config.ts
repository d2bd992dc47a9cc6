import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The bundle is embedded into the binary (../dist, see ../portal.go) and served under
// /portal/. `npm run dev` proxies the APIs to a running `atrium serve` on :4000.
export default defineConfig({
  base: "/portal/",
  plugins: [react()],
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    // No source maps in the binary: they would double its size for the portal's sake.
    sourcemap: false,
  },
  server: {
    proxy: Object.fromEntries(["/graphql", "/api", "/oauth", "/.well-known"].map((p) => [p, "http://127.0.0.1:4000"])),
  },
});
