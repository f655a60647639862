/**
 * An in-process converge server for tests: `createConverge` behind `node:http` on 127.0.0.1, port
 * 0, with its own temporary DATA_DIR and overridable limits. Clients are `RoomClient`s over `ws`;
 * everything a test opens is closed by `stop()`.
 *
 * For restart and kill -9 tests, see `child-server.ts` (the server in a separate process).
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { createConverge, type Converge } from '../../server/app';
import { configFromEnv, type Config, type Limits } from '../../server/config';
import { RoomClient } from '../../src/lib/collab/client';
import { fileTexts, findEntry, textsOf } from '../../src/lib/collab/files';
import type { RoomInfo as ApiRoomInfo } from '../../src/lib/rooms/api-client';

// Every y-websocket provider adds a process 'exit' listener; tests open dozens of clients.
if (process.getMaxListeners() < 1000) process.setMaxListeners(1000);

/** What `POST /api/rooms` answers (the editor's view of a new room: both tokens present). */
export type RoomInfo = ApiRoomInfo & { tokens: { facilitator: string; editor: string; viewer: string } };

export interface ServerOptions {
	limits?: Partial<Limits>;
	idleUnloadMs?: number;
	analysisDelayMs?: number;
	allowedOrigins?: string[];
	/** Reuse a data directory (a "restart"); by default a fresh temp dir is made. */
	dataDir?: string;
	/** Collect the server's log lines instead of dropping them. */
	log?: (msg: string) => void;
}

export interface ClientOptions {
	/** Cap of y-websocket's reconnect back-off (its default is 2500 ms). */
	maxBackoffMs?: number;
	rateLimitPauseMs?: number;
}

export interface TestServer {
	origin: string;
	port: number;
	dataDir: string;
	config: Config;
	converge: Converge;
	/** `fetch` against the server; `token` becomes a Bearer header, a non-string body is sent as JSON. */
	api(path: string, init?: ApiInit): Promise<Response>;
	/** Creates a room (201 expected) and returns its description with tokens. */
	createRoom(starter?: string, name?: string): Promise<RoomInfo>;
	/** A RoomClient connected to the room; destroyed by `stop()`. */
	client(roomId: string, token: string, opts?: ClientOptions): RoomClient;
	/** The server's own copy of a room's document (loads the room). */
	serverDoc(roomId: string): Promise<Y.Doc>;
	/** Destroys clients, closes converge and the HTTP server, removes the data dir unless kept. */
	stop(opts?: { keepData?: boolean }): Promise<void>;
}

export interface ApiInit {
	method?: string;
	token?: string;
	body?: unknown;
	headers?: Record<string, string>;
}

/** Starts converge on 127.0.0.1 on a free port. */
export async function startServer(opts: ServerOptions = {}): Promise<TestServer> {
	const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'converge-test-')));
	const base = configFromEnv({});
	const config: Config = {
		...base,
		host: '127.0.0.1',
		port: 0,
		// Any free port for the etcd gRPC API too: test files run in parallel.
		etcdPort: 0,
		dataDir,
		idleUnloadMs: opts.idleUnloadMs ?? 60_000,
		analysisDelayMs: opts.analysisDelayMs ?? base.analysisDelayMs,
		allowedOrigins: opts.allowedOrigins ?? [],
		log: opts.log ?? (() => {}),
		// Suites of the collaboration layer run rooms without a cluster (CONTROLLERS=none in their
		// vitest project); the controlplane project's collab tests run the whole control plane.
		controllers: process.env.CONTROLLERS ?? base.controllers,
		limits: { ...base.limits, ...opts.limits }
	};
	const converge = await createConverge(config);
	const sockets = new Set<Socket>();
	const http: Server = createServer((req, res) =>
		converge.handle(req, res, () => {
			res.statusCode = 404;
			res.end();
		})
	);
	http.on('connection', (s: Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	http.on('upgrade', (req, socket, head) => {
		if (!converge.upgrade(req, socket, head)) socket.destroy();
	});
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const port = (http.address() as { port: number }).port;
	const origin = `http://127.0.0.1:${port}`;
	const clients = new Set<RoomClient>();
	const api = (path: string, init: ApiInit = {}) => apiCall(origin, path, init);

	return {
		origin,
		port,
		dataDir,
		config,
		converge,
		api,
		createRoom: (starter = 'web-app', name?: string) => createRoomAt(origin, starter, name),
		client(roomId, token, copts = {}) {
			const c = connectClient(origin, roomId, token, copts);
			clients.add(c);
			return c;
		},
		async serverDoc(roomId) {
			const room = await converge.rooms.get(roomId);
			if (!room) throw new Error(`room ${roomId} not found`);
			return room.doc;
		},
		async stop({ keepData = false } = {}) {
			for (const c of clients) c.destroy();
			clients.clear();
			await converge.close();
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => http.close(() => resolve()));
			if (!keepData) await rm(dataDir, { recursive: true, force: true });
		}
	};
}

export async function apiCall(origin: string, path: string, init: ApiInit = {}): Promise<Response> {
	const headers: Record<string, string> = { ...init.headers };
	if (init.token) headers.authorization = `Bearer ${init.token}`;
	let body: string | undefined;
	if (init.body !== undefined) {
		body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
		headers['content-type'] ??= 'application/json';
	}
	return fetch(origin + path, { method: init.method ?? 'GET', headers, body });
}

export async function createRoomAt(origin: string, starter = 'web-app', name?: string): Promise<RoomInfo> {
	const res = await apiCall(origin, '/api/rooms', { method: 'POST', body: { starter, name } });
	if (res.status !== 201) throw new Error(`creating a room answered ${res.status}: ${await res.text()}`);
	return (await res.json()) as RoomInfo;
}

/** A RoomClient over `ws` (the caller destroys it). */
export function connectClient(origin: string, roomId: string, token: string, opts: ClientOptions = {}): RoomClient {
	const c = new RoomClient({ origin, roomId, token, WebSocketPolyfill: WebSocket, rateLimitPauseMs: opts.rateLimitPauseMs });
	c.provider.maxBackoffTime = opts.maxBackoffMs ?? 500;
	return c;
}

/** The Y.Text of the file at `path` in `doc` (throws when missing). */
export function fileText(doc: Y.Doc, path: string): Y.Text {
	const id = findEntry(doc, path);
	const text = id === undefined ? undefined : textsOf(doc).get(id);
	if (!text) throw new Error(`no file "${path}" in the document`);
	return text;
}

/** Every file's text by path, as a plain object (for `toEqual`). */
export function snapshot(doc: Y.Doc): Record<string, string> {
	return Object.fromEntries([...fileTexts(doc)].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** True when `a` holds everything `b` holds and vice versa (same state vectors). */
export function sameState(a: Y.Doc, b: Y.Doc): boolean {
	const sa = Y.decodeStateVector(Y.encodeStateVector(a));
	const sb = Y.decodeStateVector(Y.encodeStateVector(b));
	if (sa.size !== sb.size) return false;
	for (const [k, v] of sa) if (sb.get(k) !== v) return false;
	return true;
}

/** Resolves when `pred()` holds, re-checking every `intervalMs`; rejects with `what` after `timeoutMs`. */
export async function waitUntil(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000, intervalMs = 10): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await pred()) return;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

/** Waits until the client is connected, synced and has nothing unacknowledged. */
export function settled(c: RoomClient): Promise<unknown> {
	return c.when((s) => s.connection === 'connected' && s.synced && !s.pending);
}
