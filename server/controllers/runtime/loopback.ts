/**
 * The address controllers reach the kube API at: a private HTTP listener on 127.0.0.1 (port
 * chosen by the OS) serving the same handler as the public port. Its requests run as internal
 * calls (they neither keep a room loaded nor reload one). Started with the first control plane,
 * closed with the last.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { handleKubeApi } from '../../apiserver';
import type { RoomRegistry } from '../../rooms/registry';
import type { Config } from '../../config';
import { markInternal } from './internal-call';

interface Loopback {
	origin: Promise<string>;
	users: number;
	close(): void;
}

const loopbacks = new WeakMap<RoomRegistry, Loopback>();

/** The kube API as the control plane calls it: the public handler, each request an internal call. */
export function internalKubeApi(rooms: RoomRegistry, config: Config): (req: IncomingMessage, res: ServerResponse) => void {
	return (req, res) => {
		markInternal(req);
		void handleKubeApi(req, res, new URL(req.url ?? '/', 'http://localhost'), rooms, config);
	};
}

/** The loopback origin for `rooms`; call the returned `release` when done with it. */
export function acquireLoopback(rooms: RoomRegistry, config: Config): { origin: Promise<string>; release: () => void } {
	let lb = loopbacks.get(rooms);
	if (!lb) {
		const sockets = new Set<Socket>();
		const server: Server = createServer(internalKubeApi(rooms, config));
		server.on('connection', (s: Socket) => {
			sockets.add(s);
			s.on('close', () => sockets.delete(s));
		});
		server.unref();
		const origin = new Promise<string>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
		});
		const created: Loopback = {
			origin,
			users: 0,
			close: () => {
				loopbacks.delete(rooms);
				for (const s of sockets) s.destroy();
				server.close();
			}
		};
		lb = created;
		loopbacks.set(rooms, lb);
	}
	const mine = lb;
	mine.users++;
	let released = false;
	return {
		origin: mine.origin,
		release: () => {
			if (released) return;
			released = true;
			if (--mine.users === 0) mine.close();
		}
	};
}
