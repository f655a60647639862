/**
 * Starts a real etcd 3.4 (Debian's etcd-server) on 127.0.0.1 with a temporary data directory,
 * for tests and benchmarks that compare converge with the reference.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RealEtcd {
	endpoint: string;
	port: number;
	stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const port = (s.address() as { port: number }).port;
			s.close(() => resolve(port));
		});
	});
}

export async function startEtcd(extraArgs: string[] = []): Promise<RealEtcd> {
	const dir = mkdtempSync(join(tmpdir(), 'converge-etcd-'));
	const [port, peer] = [await freePort(), await freePort()];
	const endpoint = `http://127.0.0.1:${port}`;
	const proc: ChildProcess = spawn(
		'etcd',
		[
			'--name', 'ref',
			'--data-dir', dir,
			'--listen-client-urls', endpoint,
			'--advertise-client-urls', endpoint,
			'--listen-peer-urls', `http://127.0.0.1:${peer}`,
			'--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
			'--initial-cluster', `ref=http://127.0.0.1:${peer}`,
			...extraArgs
		],
		{ stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.arch === 'arm64' ? 'arm64' : '' } }
	);
	let log = '';
	proc.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
	const stop = async () => {
		if (proc.exitCode === null) {
			proc.kill('SIGTERM');
			await new Promise((r) => proc.once('exit', r));
		}
		rmSync(dir, { recursive: true, force: true });
	};
	for (let i = 0; i < 100; i++) {
		if (proc.exitCode !== null) break;
		const ok = await fetch(`${endpoint}/health`).then((r) => r.ok, () => false);
		if (ok) return { endpoint, port, stop };
		await new Promise((r) => setTimeout(r, 100));
	}
	await stop();
	throw new Error(`etcd did not start:\n${log}`);
}
