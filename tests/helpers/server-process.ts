/**
 * Entry of a converge server running as its own process, for restart, kill -9 and benchmark runs:
 * `node --import tsx tests/helpers/server-process.ts` with the usual environment (DATA_DIR, PORT,
 * limits; HOST defaults to 127.0.0.1). It prints one line `{"port":N,"pid":P,"etcdPort":E}` on
 * stdout once listening (`etcdPort`: the bound etcd gRPC port, absent when it could not be
 * bound). Unlike server/index.ts it needs no SvelteKit build.
 *
 * Extra routes for the harness: `GET /__test/stats` answers the process's CPU time (µs), memory
 * and event-loop delay; `POST /__test/gc` runs a full GC when started with `--expose-gc`.
 *
 * @module
 */
import { createServer } from 'node:http';
import { configFromEnv } from '../../server/config';
import { createConverge } from '../../server/app';
import { processStats } from './process-stats';

const config = configFromEnv({ HOST: '127.0.0.1', ...process.env });
if (!process.env.CONVERGE_LOG) config.log = () => {};
else config.log = (m) => process.stderr.write(`[converge ${process.pid}] ${m}\n`);
const converge = await createConverge(config);
const stats = processStats(() => ({ rooms: converge.rooms.count, loaded: converge.rooms.loadedCount }));

const server = createServer((req, res) => {
	if (req.url === '/__test/stats') return stats(res);
	if (req.url === '/__test/gc' && req.method === 'POST') {
		const gc = (globalThis as { gc?: () => void }).gc;
		if (gc) {
			gc();
			gc();
		}
		res.writeHead(gc ? 204 : 501);
		return res.end();
	}
	converge.handle(req, res, () => {
		res.statusCode = 404;
		res.end();
	});
});
server.on('upgrade', (req, socket, head) => {
	if (!converge.upgrade(req, socket, head)) socket.destroy();
});
server.listen(config.port, config.host, () => {
	const addr = server.address();
	const port = typeof addr === 'object' && addr ? addr.port : config.port;
	const etcdPort = converge.etcd.port;
	process.stdout.write(JSON.stringify({ port, pid: process.pid, ...(etcdPort ? { etcdPort } : {}) }) + '\n');
});

let stopping = false;
async function shutdown() {
	if (stopping) return;
	stopping = true;
	server.close();
	server.closeAllConnections();
	await converge.close();
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
// The parent going away (test runner killed) must not leave a server behind.
process.stdin.on('end', () => void shutdown());
process.stdin.resume();
