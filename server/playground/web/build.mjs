// Bundles src/main.jsx into ../dist (index.js + index.css), minified, with no
// source maps and every font inlined, for go:embed in ../playground.go.
// Run with `npm run build`; the output is committed.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, '..', 'dist');

rmSync(outdir, { recursive: true, force: true });

const result = await build({
  entryPoints: { index: join(here, 'src', 'main.jsx') },
  outdir,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
});

for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) {
  console.log(`${file.slice(file.indexOf('dist/'))}\t${(bytes / 1024).toFixed(0)} KiB`);
}
