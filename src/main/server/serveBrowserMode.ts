/**
 * Browser mode: the window's renderer served over HTTP on 127.0.0.1 only, talking to the service over a
 * WebSocket. A random token, printed in the URL, guards the service: the WebSocket upgrade must carry it,
 * come from exactly the origin the server printed, and name our own Host (see requestGuard.ts). Whatever
 * a client sends, a bad request gets an answer or a closed connection, never the end of the process.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES } from '../../core/protocol/constants.js';
import type { MixelService } from '../../core/protocol/MixelService.js';
import { serveService } from '../../core/protocol/rpc.js';
import { WebSocketProtocol } from '../transports/WebSocketProtocol.js';
import { SERVER_HOST, refuseUpgrade, serverOrigin } from './requestGuard.js';
import { ResponseBudget } from './responseBudget.js';
import { serveStaticFile } from './staticFiles.js';

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
  /** The one origin whose pages may open the WebSocket (`http://127.0.0.1:<port>`). */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * WebSocket connections served at once: the window needs one per open tab; the bound keeps a runaway
 * local client from holding the per-connection budgets (rpc.ts) thousands of times over.
 */
export const MAX_CONNECTIONS = 64;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

export async function serveBrowserMode(options: BrowserModeOptions): Promise<BrowserModeServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  const identity = { port: 0, token };
  const budget = new ResponseBudget();
  const server = createServer((req, res) => {
    void serveStaticFile(req, res, rendererDir, identity, budget).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('internal error\n');
      else res.destroy();
    });
  });
  // perMessageDeflate off: inflating what a client sends costs memory and CPU before any check, and
  // float tiles barely compress.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  // With noServer it has no listening socket of its own to fail, but an 'error' without a listener would
  // end the process, so one is there.
  wss.on('error', () => {});
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => onUpgrade(req, socket, head));
  // A request Node cannot parse (bad header, bad chunking): answer 400 and drop only that connection.
  server.on('clientError', (_err, socket: Duplex) => refuseSocket(socket, 400, 'malformed request'));

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    const refusal = refuseUpgrade(req, identity);
    if (refusal) return refuseSocket(socket, refusal.status, refusal.message);
    if (wss.clients.size >= MAX_CONNECTIONS) {
      return refuseSocket(socket, 503, `too many connections (${MAX_CONNECTIONS}): close other tabs`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      serveService(options.service, new WebSocketProtocol(ws));
    });
  }

  await listen(server, options.port ?? 0);
  server.on('error', (err) => console.error(`mixel serve: ${err.message}`));
  const address = server.address();
  identity.port = typeof address === 'object' && address ? address.port : 0;
  const origin = serverOrigin(identity.port);
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port: identity.port,
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

function refuseSocket(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      `Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, SERVER_HOST, () => {
      server.off('error', fail);
      ok();
    });
  });
}
