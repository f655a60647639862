/**
 * Production entry: one Node process serving the built SvelteKit app (adapter-node's handler),
 * the rooms API and the collaboration sockets on `PORT`, with data under `DATA_DIR`.
 *
 * @module
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { configFromEnv } from './config';
import { createConverge } from './app';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const handlerPath = join(root, 'build', 'handler.js');
if (!existsSync(handlerPath)) {
	console.error('build/handler.js is missing: run `npm run build` first (`npm start` does).');
	process.exit(1);
}

const config = configFromEnv();
const converge = await createConverge(config);
const { handler } = (await import(pathToFileURL(handlerPath).href)) as {
	handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void;
};

const server = createServer((req, res) => converge.handle(req, res, () => handler(req, res)));
server.on('upgrade', (req, socket, head) => {
	if (!converge.upgrade(req, socket, head)) socket.destroy();
});
server.listen(config.port, config.host, () => {
	const addr = server.address();
	const port = typeof addr === 'object' && addr ? addr.port : config.port;
	config.log(`listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port} (data in ${config.dataDir})`);
});

let stopping = false;
async function shutdown(signal: string) {
	if (stopping) return;
	stopping = true;
	config.log(`${signal}: flushing rooms and closing`);
	server.close();
	server.closeIdleConnections();
	await converge.close();
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
