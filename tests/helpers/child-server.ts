/**
 * Runs converge in a child process (tests/helpers/server-process.ts) for restart, kill -9 and
 * benchmark scenarios. The child is `node --import tsx` itself, not `npx tsx` (which would be a
 * wrapper process: a SIGKILL would hit the wrapper and leave the real server running).
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Limits } from '../../server/config';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = join(ROOT, 'tests', 'helpers', 'server-process.ts');

const LIMIT_ENV: Record<keyof Limits, string> = {
	maxFileBytes: 'MAX_FILE_BYTES',
	maxDocBytes: 'MAX_DOC_BYTES',
	maxEntries: 'MAX_ENTRIES',
	maxMessageBytes: 'MAX_MESSAGE_BYTES',
	messagesPerSecond: 'MESSAGES_PER_SECOND',
	messageBurst: 'MESSAGE_BURST',
	maxConnectionsPerRoom: 'MAX_CONNECTIONS_PER_ROOM',
	maxRooms: 'MAX_ROOMS',
	maxBufferedBytes: 'MAX_BUFFERED_BYTES',
	storeQuotaBytes: 'STORE_QUOTA_BYTES'
};

export interface ChildServerOptions {
	dataDir: string;
	/** 0 (default) picks a free port; pass the previous port to restart "in place". */
	port?: number;
	/** Port of the etcd gRPC API (ETCD_PORT): 0 (default) picks a free port. */
	etcdPort?: number;
	limits?: Partial<Limits>;
	idleUnloadMs?: number;
	env?: Record<string, string>;
	/** Extra node flags, e.g. `--expose-gc`. */
	nodeArgs?: string[];
	/** Forward the child's stderr (and converge's log) to ours. */
	verbose?: boolean;
}

export interface ProcessStats {
	pid: number;
	cpu: { user: number; system: number };
	rss: number;
	heapUsed: number;
	external: number;
	arrayBuffers: number;
	loopDelayP99Ms: number;
	rooms: number;
	loaded: number;
}

/** What `POST /api/rooms` answers (the editor's view of a new room), as far as harnesses need it. */
export interface ChildRoom {
	id: string;
	tokens: { editor: string; viewer: string };
}

export interface ChildServer {
	port: number;
	pid: number;
	origin: string;
	/** The etcd gRPC API's port, undefined when the server could not bind it. */
	etcdPort: number | undefined;
	/** `127.0.0.1:<etcdPort>` for etcd clients (throws when the etcd API is not up). */
	etcdEndpoint(): string;
	process: ChildProcess;
	/** Resolves with the exit code or signal once the process is gone. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** Sends `signal` (default SIGKILL) and waits for the process to be gone. */
	kill(signal?: NodeJS.Signals): Promise<void>;
	/** Graceful stop (SIGTERM: rooms are flushed). */
	stop(): Promise<void>;
	stats(): Promise<ProcessStats>;
	gc(): Promise<boolean>;
	/** Creates a room through the rooms API (`POST /api/rooms`). */
	createRoom(starter?: string, name?: string): Promise<ChildRoom>;
}

/** Starts a server process and resolves once it listens. */
export async function startChildServer(opts: ChildServerOptions): Promise<ChildServer> {
	const env: Record<string, string> = {
		...(process.env as Record<string, string>),
		DATA_DIR: opts.dataDir,
		PORT: String(opts.port ?? 0),
		HOST: '127.0.0.1',
		ETCD_PORT: String(opts.etcdPort ?? 0),
		...(opts.idleUnloadMs !== undefined ? { IDLE_UNLOAD_MS: String(opts.idleUnloadMs) } : {}),
		...(opts.verbose ? { CONVERGE_LOG: '1' } : {}),
		...opts.env
	};
	for (const [k, v] of Object.entries(opts.limits ?? {})) env[LIMIT_ENV[k as keyof Limits]] = String(v);
	const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', ENTRY], {
		cwd: ROOT,
		env,
		stdio: ['pipe', 'pipe', opts.verbose ? 'inherit' : 'pipe']
	});
	let stderr = '';
	child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal }))
	);
	const { port, pid, etcdPort } = await new Promise<{ port: number; pid: number; etcdPort?: number }>((resolve, reject) => {
		let out = '';
		const onData = (d: Buffer) => {
			out += d.toString();
			// Other output (e.g. --trace-gc) may come first: take the line that announces the port.
			const m = /^\{"port":\d+,"pid":\d+(,"etcdPort":\d+)?\}$/m.exec(out);
			if (!m) return;
			child.stdout?.off('data', onData);
			resolve(JSON.parse(m[0]) as { port: number; pid: number; etcdPort?: number });
		};
		child.stdout?.on('data', onData);
		void exited.then(({ code, signal }) => reject(new Error(`server process exited (${code ?? signal}) before listening:\n${stderr}`)));
	});
	if (opts.verbose) child.stdout?.pipe(process.stderr);
	else child.stdout?.resume();
	const origin = `http://127.0.0.1:${port}`;
	let gone = false;
	void exited.then(() => (gone = true));
	return {
		port,
		pid,
		origin,
		etcdPort,
		etcdEndpoint() {
			if (!etcdPort) throw new Error(`server ${pid} has no etcd API (ETCD_PORT ${opts.etcdPort ?? 0} could not be bound)`);
			return `127.0.0.1:${etcdPort}`;
		},
		process: child,
		exited,
		async kill(signal = 'SIGKILL') {
			if (!gone) child.kill(signal);
			await exited;
		},
		async stop() {
			if (!gone) child.kill('SIGTERM');
			await exited;
		},
		async stats() {
			return (await (await fetch(`${origin}/__test/stats`)).json()) as ProcessStats;
		},
		async gc() {
			return (await fetch(`${origin}/__test/gc`, { method: 'POST' })).status === 204;
		},
		async createRoom(starter = 'blank', name?: string) {
			const res = await fetch(`${origin}/api/rooms`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ starter, name })
			});
			if (res.status !== 201) throw new Error(`creating a room answered ${res.status}: ${await res.text()}`);
			return (await res.json()) as ChildRoom;
		}
	};
}
