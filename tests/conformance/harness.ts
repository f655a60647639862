/**
 * Side by side: a real etcd 3.4 (Debian's /usr/bin/etcd, started on 127.0.0.1 with a temp data
 * dir, fsyncing as it does by default) and converge (in process, a fresh room, etcd API on a free
 * port). Conformance tests send both the same requests and compare what comes back.
 *
 * Child processes are spawned asynchronously: converge runs in the test's own event loop, and a
 * blocking spawn would stall it while a client waits for its answer.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConverge, type Converge } from '../../server/app';
import { configFromEnv } from '../../server/config';

export const ETCD_BIN = process.env.ETCD_BIN || '/usr/bin/etcd';
export const ETCDCTL_BIN = process.env.ETCDCTL_BIN || '/usr/bin/etcdctl';

/** One side of a comparison. */
export interface Side {
	name: 'etcd' | 'converge';
	/** host:port of the gRPC API. */
	endpoint: string;
	/** http://host:port serving the JSON gateway (`/v3/...`). */
	origin: string;
	/** `user:password` for etcdctl --user and etcd3's auth (converge only). */
	user?: { name: string; password: string };
	stop(): Promise<void>;
}

export interface ConvergeSide extends Side {
	converge: Converge;
	roomId: string;
	tokens: { editor: string; viewer: string };
}

export async function freePort(): Promise<number> {
	const srv = createNetServer();
	await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
	const port = (srv.address() as { port: number }).port;
	await new Promise<void>((resolve) => srv.close(() => resolve()));
	return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts etcd 3.4 on free ports; `quotaBackendBytes` sets --quota-backend-bytes. */
export async function startEtcd(opts: { quotaBackendBytes?: number } = {}): Promise<Side> {
	const dataDir = await mkdtemp(join(tmpdir(), 'converge-etcd-'));
	const [client, peer] = [await freePort(), await freePort()];
	const args = [
		'--name=conformance',
		`--data-dir=${dataDir}`,
		`--listen-client-urls=http://127.0.0.1:${client}`,
		`--advertise-client-urls=http://127.0.0.1:${client}`,
		`--listen-peer-urls=http://127.0.0.1:${peer}`,
		`--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
		`--initial-cluster=conformance=http://127.0.0.1:${peer}`,
		'--logger=zap',
		'--log-level=error'
	];
	if (opts.quotaBackendBytes) args.push(`--quota-backend-bytes=${opts.quotaBackendBytes}`);
	const proc: ChildProcess = spawn(ETCD_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	proc.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
	const killOnExit = () => proc.kill('SIGKILL');
	process.once('exit', killOnExit);
	const origin = `http://127.0.0.1:${client}`;
	for (let i = 0; ; i++) {
		if (proc.exitCode !== null) throw new Error(`etcd exited with ${proc.exitCode}: ${stderr}`);
		const ok = await fetch(`${origin}/health`).then(
			(r) => r.ok,
			() => false
		);
		if (ok) break;
		if (i > 150) throw new Error(`etcd did not become healthy: ${stderr}`);
		await sleep(100);
	}
	return {
		name: 'etcd',
		endpoint: `127.0.0.1:${client}`,
		origin,
		async stop() {
			process.off('exit', killOnExit);
			const exited = new Promise((r) => proc.once('exit', r));
			proc.kill('SIGTERM');
			await Promise.race([exited, sleep(5000).then(() => proc.kill('SIGKILL'))]);
			await rm(dataDir, { recursive: true, force: true });
		}
	};
}

/** Starts converge (etcd API on a free port, gateway on an HTTP port) with one new room. */
export async function startConverge(opts: { quotaBytes?: number } = {}): Promise<ConvergeSide> {
	const dataDir = await mkdtemp(join(tmpdir(), 'converge-conformance-'));
	const base = configFromEnv({});
	const converge = await createConverge({
		...base,
		host: '127.0.0.1',
		port: 0,
		dataDir,
		etcdHost: '127.0.0.1',
		etcdPort: 0,
		log: () => {},
		// The etcd API is compared with a fresh etcd: no control plane writing into the room.
		controllers: 'none',
		limits: { ...base.limits, ...(opts.quotaBytes ? { storeQuotaBytes: opts.quotaBytes } : {}) }
	});
	const http: Server = createHttpServer((req, res) =>
		converge.handle(req, res, () => {
			res.statusCode = 404;
			res.end();
		})
	);
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const room = await converge.rooms.create({});
	if (!converge.etcd.port) throw new Error('converge did not start its etcd API');
	return {
		name: 'converge',
		endpoint: `127.0.0.1:${converge.etcd.port}`,
		origin: `http://127.0.0.1:${(http.address() as { port: number }).port}`,
		user: { name: room.id, password: room.meta.tokens.editor },
		converge,
		roomId: room.id,
		tokens: { ...room.meta.tokens },
		async stop() {
			http.closeAllConnections();
			await new Promise<void>((resolve) => http.close(() => resolve()));
			await converge.close();
			await rm(dataDir, { recursive: true, force: true });
		}
	};
}

export interface RunResult {
	stdout: string;
	stderr: string;
	code: number | null;
}

/** Runs a command to completion (bounded), feeding `input` on stdin. */
export function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += String(d)));
		child.stderr.on('data', (d) => (stderr += String(d)));
		const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ stdout, stderr, code });
		});
		// A command that does not read stdin may exit before the write lands (EPIPE): not an error.
		child.stdin.on('error', () => {});
		child.stdin.end(opts.input ?? '');
	});
}

/**
 * Starts a long-running command (a watch), stops it `settleMs` after `done(stdout)` holds (so a
 * response printed in pieces is complete) or after `timeoutMs`, and returns what it printed.
 */
export function runUntil(
	cmd: string,
	args: string[],
	done: (stdout: string) => boolean,
	opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; settleMs?: number } = {}
): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		let finished = false;
		const finish = () => {
			if (finished) return;
			finished = true;
			clearTimeout(timer);
			child.kill('SIGTERM');
		};
		child.stdout.on('data', (d) => {
			stdout += String(d);
			if (!finished && done(stdout)) setTimeout(finish, opts.settleMs ?? 300);
		});
		child.stderr.on('data', (d) => (stderr += String(d)));
		const timer = setTimeout(finish, opts.timeoutMs ?? 10_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ stdout, stderr, code });
		});
	});
}
