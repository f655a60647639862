/**
 * Real kubectl against a room: starts converge in-process (its own DATA_DIR, ports chosen by the
 * OS, the kube API's TLS listener included), creates a room, downloads the editor and viewer
 * kubeconfigs through the rooms API, and runs `kubectl --kubeconfig <file> ...` with a bounded
 * timeout and a private HOME (kubectl's discovery cache).
 *
 * @module
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConverge, type Converge } from '../../server/app';
import { configFromEnv, type Config } from '../../server/config';

export interface KubectlResult {
	code: number;
	stdout: string;
	stderr: string;
}

export interface KubeRoom {
	origin: string;
	roomId: string;
	tokens: { facilitator: string; editor: string; viewer: string };
	converge: Converge;
	config: Config;
	dir: string;
	/** Runs kubectl with the editor kubeconfig (or the viewer's). */
	kubectl(args: string[], opts?: { viewer?: boolean; env?: Record<string, string>; input?: string; timeoutMs?: number }): Promise<KubectlResult>;
	/** Starts a long-running kubectl (get -w); stop it with `kill()`. */
	spawnKubectl(args: string[]): { proc: ChildProcess; output: () => string; kill: () => Promise<void> };
	/** `fetch` on the app's port with a bearer token. */
	api(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
	/** The server's last log lines. */
	logTail(): string;
	stop(): Promise<void>;
}

export const KUBECTL_TIMEOUT_MS = 30_000;

/** Starts a server with one room and its kubeconfigs. */
/**
 * `controllers` overrides CONTROLLERS for one room (e.g. a controller's test without the
 * scheduler). The room is blank unless `starter` says otherwise: with the applier running, a
 * starter's files become live objects the tests would collide with.
 */
export async function startKubeRoom(opts: { controllers?: string; starter?: string; serviceCIDR?: string } = {}): Promise<KubeRoom> {
	const dir = await mkdtemp(join(tmpdir(), 'converge-kubectl-'));
	// The kubectl and clients projects test the API server alone (CONTROLLERS=none in their vitest
	// project, like kube-apiserver's integration tests); tests/controlplane runs the whole cluster.
	const controllers = opts.controllers ?? process.env.CONTROLLERS ?? '*';
	// The server's last log lines, for the message of a failing setup (an intermittent 401 is unexplained).
	const logTail: string[] = [];
	const log = (m: string) => void (logTail.push(m) > 50 && logTail.shift());
	const config: Config = { ...configFromEnv({}), host: '127.0.0.1', port: 0, etcdPort: 0, dataDir: join(dir, 'data'), log, controllers };
	const converge = await createConverge(config);
	const sockets = new Set<Socket>();
	const http: Server = createServer((req, res) => converge.handle(req, res, () => void res.writeHead(404).end()));
	http.on('connection', (s: Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
	const created = await fetch(`${origin}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ starter: opts.starter ?? 'blank', name: 'kubectl test', serviceCIDR: opts.serviceCIDR }) });
	const room = (await created.json()) as { id: string; tokens: { facilitator: string; editor: string; viewer: string } };
	const kubeconfigs: Record<string, string> = {};
	for (const role of ['editor', 'viewer']) {
		const res = await fetch(`${origin}/api/rooms/${room.id}/kubeconfig?role=${role}`, { headers: { authorization: `Bearer ${room.tokens.editor}` } });
		if (res.status !== 200) throw new Error(`kubeconfig download answered ${res.status}`);
		kubeconfigs[role] = join(dir, `${role}.kubeconfig`);
		await writeFile(kubeconfigs[role], await res.text());
	}
	const home = join(dir, 'home');
	const children = new Set<ChildProcess>();
	const baseEnv = { ...process.env, HOME: home, KUBECONFIG: '', KUBECTL_EXTERNAL_DIFF: '' };

	const kubectl: KubeRoom['kubectl'] = (args, opts = {}) =>
		new Promise((resolve) => {
			const file = opts.viewer ? kubeconfigs.viewer : kubeconfigs.editor;
			const child = execFile(
				'kubectl',
				['--kubeconfig', file, ...args],
				{ env: { ...baseEnv, ...opts.env }, timeout: opts.timeoutMs ?? KUBECTL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
				(err, stdout, stderr) => {
					const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
					resolve({ code, stdout, stderr });
				}
			);
			if (opts.input !== undefined) child.stdin?.end(opts.input);
		});

	const spawnKubectl: KubeRoom['spawnKubectl'] = (args) => {
		const proc = spawn('kubectl', ['--kubeconfig', kubeconfigs.editor, ...args], { env: baseEnv });
		children.add(proc);
		let out = '';
		proc.stdout.on('data', (d) => (out += d));
		proc.stderr.on('data', (d) => (out += d));
		const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
		return {
			proc,
			output: () => out,
			kill: async () => {
				proc.kill('SIGTERM');
				await exited;
				children.delete(proc);
			}
		};
	};

	const api: KubeRoom['api'] = (path, init = {}) => {
		const headers = new Headers(init.headers);
		// The room's creator (the facilitator) may do everything an editor may, and run the room.
		const token = init.token === undefined ? room.tokens.facilitator : init.token;
		if (token) headers.set('authorization', `Bearer ${token}`);
		return fetch(origin + path, { ...init, headers });
	};

	return {
		origin,
		roomId: room.id,
		tokens: room.tokens,
		converge,
		config,
		dir,
		kubectl,
		spawnKubectl,
		api,
		logTail: () => logTail.join('\n'),
		async stop() {
			for (const c of children) c.kill('SIGKILL');
			await converge.close();
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => http.close(() => resolve()));
			await rm(dir, { recursive: true, force: true });
		}
	};
}

/** The lines of a table output split into columns (runs of 2+ spaces separate them). */
export function tableRows(stdout: string): string[][] {
	return stdout
		.trimEnd()
		.split('\n')
		.filter(Boolean)
		.map((l) => l.trim().split(/\s{2,}/));
}

/** Resolves when `pred()` holds (checked every 50 ms); rejects after `timeoutMs`. */
export async function eventually(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await pred()) return;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** The shared test manifests (Namespace, Deployment, Service, ConfigMap, Secret, Node, Job). */
export const MANIFESTS = fileURLToPath(new URL('./manifests', import.meta.url));

/** A room with the shared manifests applied, for suites that start from a populated cluster. */
export async function startKubeRoomWithManifests(): Promise<KubeRoom> {
	const room = await startKubeRoom();
	const r = await room.kubectl(['apply', '-f', MANIFESTS]);
	if (r.code !== 0) {
		await room.stop();
		throw new Error(r.stderr);
	}
	return room;
}
