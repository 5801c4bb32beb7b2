/**
 * Browser mode: the window's renderer served over HTTP on 127.0.0.1 only, talking to the service over a
 * WebSocket. A random token, printed in the URL, guards everything: the page is served only to a request
 * carrying it (which then gets an HttpOnly, SameSite=Strict cookie for the scripts and styles it loads),
 * and the WebSocket upgrade must carry it too. Other requests get 403.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import type { MixelService } from '../../core/protocol/MixelService.js';
import { serveService } from '../../core/protocol/rpc.js';
import { WebSocketProtocol } from '../transports/WebSocketProtocol.js';
import { CONTENT_SECURITY_POLICY } from '../electron/security.js';

export interface BrowserModeOptions {
  readonly service: MixelService;
  /** The built renderer (index.html and assets). */
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Fixed token for tests; random by default. */
  readonly token?: string;
}

export interface BrowserModeServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const COOKIE = 'mixel_token';
/** Largest WebSocket message accepted: uploads of big images come this way (open larger files by path). */
const MAX_MESSAGE_BYTES = 2 * 1024 ** 3;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export async function serveBrowserMode(options: BrowserModeOptions): Promise<BrowserModeServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  const server = createServer((req, res) => {
    void handleHttp(req, res, rendererDir, token).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('internal error');
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    if (!hasToken(req, token, { allowCookie: false }) || !isLocalOrigin(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      serveService(options.service, new WebSocketProtocol(ws));
    });
  });
  await listen(server, options.port ?? 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((done) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, HOST, () => {
      server.off('error', fail);
      ok();
    });
  });
}

async function handleHttp(req: IncomingMessage, res: ServerResponse, rendererDir: string, token: string) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
    return;
  }
  if (!hasToken(req, token, { allowCookie: true })) {
    res
      .writeHead(403, { 'content-type': 'text/plain' })
      .end('Forbidden: open the URL that `mixel serve` printed (it carries the access token).\n');
    return;
  }
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  const pathname = url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname);
  const file = normalize(join(rendererDir, pathname));
  if (!file.startsWith(rendererDir + sep)) {
    res.writeHead(404).end();
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const headers: Record<string, string> = {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  };
  if (extname(file) === '.html') {
    headers['content-security-policy'] = CONTENT_SECURITY_POLICY.replace(
      "connect-src 'self'",
      `connect-src 'self' ws://${HOST}:*`,
    );
    headers['x-frame-options'] = 'DENY';
    headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
  }
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function hasToken(req: IncomingMessage, token: string, options: { allowCookie: boolean }): boolean {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  const given = url.searchParams.get('token');
  if (given !== null) return safeEqual(given, token);
  if (!options.allowCookie) return false;
  const cookie = (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${COOKIE}=`));
  return cookie !== undefined && safeEqual(cookie.slice(COOKIE.length + 1), token);
}

/** A page from another site could try to open our WebSocket (they are not covered by CORS). */
function isLocalOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    const host = new URL(origin).hostname;
    return host === HOST || host === 'localhost';
  } catch {
    return false;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
