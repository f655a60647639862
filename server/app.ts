/**
 * converge's server side, independent of how HTTP is served: `handle` takes the requests it owns
 * (the rooms API, later the kube API) and passes the rest on; `upgrade` takes the collaboration
 * sockets. The production entry (server/index.ts) and the Vite dev plugin both mount it.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CLOSE, COLLAB_PATH } from '../src/lib/collab/protocol';
import { sendStatus, StatusError } from './http/respond';
import { handleRoomsApi } from './rooms/api';
import { handleKubeApi, KUBE_PREFIX } from './apiserver';
import { startKubeTls } from './apiserver/tls';
import { roleOf } from './rooms/meta';
import { RoomRegistry } from './rooms/registry';
import type { Config } from './config';
import { startEtcdApi, type EtcdApi } from './etcd';

export interface Converge {
	rooms: RoomRegistry;
	/** The etcd v3 API over the rooms' stores (gRPC port + the `/v3/` JSON gateway). */
	etcd: EtcdApi;
	/** Serves what converge owns; calls `next` for everything else (the SvelteKit app). */
	handle(req: IncomingMessage, res: ServerResponse, next: () => void): void;
	/** Takes a WebSocket upgrade if it is converge's; returns false to leave it to others (Vite HMR). */
	upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
	/** Closes every socket and unloads every room (flushing). */
	close(): Promise<void>;
}

export async function createConverge(config: Config): Promise<Converge> {
	const rooms = await RoomRegistry.open(config);
	// noServer: a ws server bound to the http server would answer 400 to Vite's HMR upgrades.
	// maxPayload leaves headroom above the limit so an oversized edit reaches our own check, which
	// tells the user why and resets the client (a bare 1009 close would be retried forever).
	const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * config.limits.maxMessageBytes + 1024 });
	const etcd = await startEtcdApi(rooms, config);

	const handle = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname.startsWith('/v3/')) return etcd.handle(req, res);
		if (url.pathname.startsWith(KUBE_PREFIX)) return void handleKubeApi(req, res, url, rooms, config);
		if (!url.pathname.startsWith('/api/')) return next();
		handleRoomsApi(req, res, url, rooms, config)
			.then((handled) => {
				if (!handled) next();
			})
			.catch((e) => {
				if (e instanceof StatusError) return sendStatus(res, e);
				config.log(`internal error on ${req.method} ${url.pathname}: ${(e as Error).stack}`);
				sendStatus(res, new StatusError(500, 'InternalError', 'internal error'));
			});
	};

	const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (!url.pathname.startsWith(COLLAB_PATH)) return false;
		const roomId = url.pathname.slice(COLLAB_PATH.length);
		const token = url.searchParams.get('token');
		const originOk = originAllowed(req, config.allowedOrigins);
		// Refusals are sent as WebSocket close codes: an HTTP 401 reaches a browser only as 1006,
		// which clients retry forever; 44xx closes are final for y-websocket.
		wss.handleUpgrade(req, socket, head, (ws) => {
			// Hold the client's first messages (sync step 1, awareness) until the room is loaded;
			// a refusal resumes first, or its close handshake would wait out ws's close timeout.
			ws.pause();
			const refuse = (code: number, reason: string) => {
				ws.resume();
				ws.close(code, reason);
			};
			if (!originOk) return refuse(CLOSE.forbidden, 'origin not allowed');
			rooms.get(roomId).then(
				(room) => {
					if (!room) return refuse(CLOSE.notFound, 'room not found');
					const role = roleOf(room.meta, token);
					if (!role) return refuse(CLOSE.unauthorized, 'missing or invalid token');
					if (room.conns.size >= config.limits.maxConnectionsPerRoom)
						return refuse(1013, `room is full (${config.limits.maxConnectionsPerRoom} connections)`);
					room.attach(ws, role, token ?? undefined);
					ws.resume();
				},
				(e) => {
					config.log(`loading room ${roomId} failed: ${(e as Error).stack}`);
					refuse(1011, 'room could not be loaded');
				}
			);
		});
		return true;
	};

	const close = async () => {
		// etcd streams hold rooms; end them before the rooms unload.
		await etcd.close();
		await kubeTls.close();
		await rooms.close();
		for (const ws of wss.clients) ws.terminate();
		wss.close();
	};

	// kubectl sends tokens only over TLS: the kube API is also served on its own HTTPS port.
	const kubeTls = await startKubeTls(config, (req, res) => handle(req, res, () => void res.writeHead(404).end()));
	return { rooms, etcd, handle, upgrade, close };
}

/** Same-host origins, configured ones, and non-browser clients (no Origin header) are allowed. */
export function originAllowed(req: IncomingMessage, allowed: string[]): boolean {
	const origin = req.headers.origin;
	if (!origin) return true;
	if (allowed.includes(origin)) return true;
	try {
		const host = (req.headers['x-forwarded-host'] as string | undefined) ?? req.headers.host;
		return new URL(origin).host === host;
	} catch {
		return false;
	}
}
