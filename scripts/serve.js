#!/usr/bin/env node
// Serves the built studio (`dist/`) on localhost with no dependency beyond node:http.
// Cross-origin isolation (COOP/COEP) is what grants SharedArrayBuffer, which threaded wasm needs; every response
// carries it, including the worker scripts, so the worker is isolated too.
//
// CLI: `node scripts/serve.js [--root dist] [--port N]`; port from --port, else $PORT, else 5173. A busy port is
// skipped for the next one (up to 20 tries) unless the port was given explicitly. Prints the URL.
// Module: `startServer({ root, port, host, strictPort })` resolves to `{ url, port, close() }` (port 0 = any free).
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.woff2': 'font/woff2',
};

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export class ServeError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'ServeError';
    this.code = code;
  }
}

/** Maps a URL path to a file under root, or null when it would escape root. */
function resolveInside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = normalize(join(root, decoded));
  return file === root || file.startsWith(root + sep) ? file : null;
}

async function fileAt(path) {
  try {
    const s = await stat(path);
    if (s.isFile()) return { path, size: s.size };
    if (s.isDirectory()) return fileAt(join(path, 'index.html'));
  } catch {
    // missing: the caller falls back
  }
  return null;
}

function handler(root) {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...ISOLATION });
      res.end();
      return;
    }
    const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
    const candidate = resolveInside(root, urlPath);
    if (candidate === null) {
      res.writeHead(400, { 'Content-Type': 'text/plain', ...ISOLATION });
      res.end('bad path\n');
      return;
    }
    let file = await fileAt(candidate);
    // SPA fallback: a route without a file extension gets index.html; a missing asset stays a 404 so a broken
    // build fails loudly instead of returning HTML where JS or wasm was expected.
    if (!file && extname(urlPath) === '') file = await fileAt(join(root, 'index.html'));
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...ISOLATION });
      res.end(`not found: ${urlPath}\n`);
      return;
    }
    const type = MIME[extname(file.path).toLowerCase()] ?? 'application/octet-stream';
    // Hashed assets never change; index.html must be revalidated so a rebuild is picked up.
    const cache = file.path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': file.size, 'Cache-Control': cache, ...ISOLATION });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file.path).pipe(res);
  };
}

function listen(server, port, host) {
  return new Promise((ok, fail) => {
    const onError = (err) => {
      server.off('listening', onListening);
      fail(err);
    };
    const onListening = () => {
      server.off('error', onError);
      ok(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export async function startServer({ root = 'dist', port = 5173, host = '127.0.0.1', strictPort = false } = {}) {
  const rootDir = resolve(root);
  if (!(await fileAt(join(rootDir, 'index.html')))) {
    throw new ServeError('NO_BUILD', `${join(rootDir, 'index.html')} not found: run \`npm run build\` first`);
  }
  const server = createServer(handler(rootDir));
  const tries = strictPort || port === 0 ? 1 : 20;
  for (let i = 0; i < tries; i++) {
    try {
      const bound = await listen(server, port + i, host);
      return {
        url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${bound}/`,
        port: bound,
        close: () => new Promise((ok) => server.close(() => ok())),
      };
    } catch (err) {
      if (err.code !== 'EADDRINUSE') throw err;
      if (i === tries - 1) {
        const range = tries === 1 ? `port ${port} is` : `ports ${port}..${port + i} are`;
        throw new ServeError('PORT_IN_USE', `${range} in use (set PORT or --port to another)`);
      }
    }
  }
  throw new ServeError('PORT_IN_USE', `no free port from ${port}`);
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [key, inline] = arg.split('=', 2);
    if (key !== '--root' && key !== '--port') {
      throw new ServeError('BAD_ARG', `unknown argument ${arg} (usage: serve.js [--root DIR] [--port N])`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ServeError('BAD_ARG', `${key} needs a value`);
    out[key.slice(2)] = value;
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const portText = args.port ?? (process.env.PORT || undefined);
  const port = portText === undefined ? 5173 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ServeError('BAD_PORT', `port must be an integer in 0..65535, got "${portText}"`);
  }
  const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..');
  const root = args.root ?? join(repoRoot, 'dist');
  const { url } = await startServer({ root, port, strictPort: args.port !== undefined });
  console.log(`yolo-studio is being served at ${url}  (Ctrl+C to stop)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`serve: ${err.message}`);
    process.exit(1);
  });
}
