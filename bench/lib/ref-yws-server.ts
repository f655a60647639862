/**
 * Entry of the reference collaboration server for bench/collab.ts: @y/websocket-server 0.1.1's
 * `setupWSConnection` (its utils; no persistence, YPERSISTENCE unset) on an http server at
 * 127.0.0.1:0, with `ws` 8 accepting the upgrades. Run as `node --import tsx bench/lib/ref-yws-server.ts`;
 * it prints one line `{"port":N,"pid":P}` on stdout once listening.
 *
 * Like tests/helpers/server-process.ts it answers `GET /__test/stats` (CPU time in µs, memory,
 * event-loop delay; `rooms`/`loaded` = docs in memory) so the harness reads both servers alike.
 *
 * @module
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { docs, setPersistence, setupWSConnection } from '@y/websocket-server/utils';
import { processStats } from '../../tests/helpers/process-stats';

// No persistence, whatever the environment says (YPERSISTENCE would bind y-leveldb).
setPersistence(null);
const stats = processStats(() => ({ rooms: docs.size, loaded: docs.size }));

const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (conn, req) => setupWSConnection(conn, req, { gc: true }));

const server = createServer((req, res) => {
	if (req.url === '/__test/stats') return stats(res);
	res.writeHead(200, { 'content-type': 'text/plain' });
	res.end('okay');
});
server.on('upgrade', (req, socket, head) => {
	wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
server.listen(0, '127.0.0.1', () => {
	const addr = server.address();
	const port = typeof addr === 'object' && addr ? addr.port : 0;
	process.stdout.write(JSON.stringify({ port, pid: process.pid }) + '\n');
});

const shutdown = () => {
	server.close();
	server.closeAllConnections();
	process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// The parent going away must not leave a server behind.
process.stdin.on('end', shutdown);
process.stdin.resume();
