/**
 * A real etcd 3.4 (Debian's etcd-server) for benchmarks: 127.0.0.1, temp data dir, default
 * durability settings (fsync of WAL before acknowledging), logging at error level only. Unlike
 * tests/helpers/etcd.ts it exposes the process id (for /proc CPU accounting).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../tests/helpers/etcd';

export const ETCD_BIN = process.env.ETCD_BIN || '/usr/bin/etcd';

export interface BenchEtcd {
	/** host:port for etcd3 clients. */
	endpoint: string;
	pid: number;
	version: string;
	stop(): Promise<void>;
}

export async function startBenchEtcd(): Promise<BenchEtcd> {
	const dir = await mkdtemp(join(tmpdir(), 'converge-bench-etcd-'));
	const [client, peer] = [await freePort(), await freePort()];
	const url = `http://127.0.0.1:${client}`;
	const proc = spawn(
		ETCD_BIN,
		[
			'--name=bench',
			`--data-dir=${dir}`,
			`--listen-client-urls=${url}`,
			`--advertise-client-urls=${url}`,
			`--listen-peer-urls=http://127.0.0.1:${peer}`,
			`--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
			`--initial-cluster=bench=http://127.0.0.1:${peer}`,
			'--logger=zap',
			'--log-level=error'
		],
		{ stdio: ['ignore', 'ignore', 'pipe'] }
	);
	let log = '';
	proc.stderr.on('data', (d) => (log = (log + String(d)).slice(-4000)));
	const killOnExit = () => proc.kill('SIGKILL');
	process.once('exit', killOnExit);
	const stop = async () => {
		process.off('exit', killOnExit);
		if (proc.exitCode === null && proc.signalCode === null) {
			const gone = new Promise((r) => proc.once('exit', r));
			proc.kill('SIGTERM');
			await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
			if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
		}
		await rm(dir, { recursive: true, force: true });
	};
	for (let i = 0; i < 150; i++) {
		if (proc.exitCode !== null) break;
		const version = await fetch(`${url}/version`).then(
			async (r) => (r.ok ? ((await r.json()) as { etcdserver: string }).etcdserver : undefined),
			() => undefined
		);
		const healthy = version && (await fetch(`${url}/health`).then((r) => r.ok, () => false));
		if (healthy) return { endpoint: `127.0.0.1:${client}`, pid: proc.pid!, version, stop };
		await new Promise((r) => setTimeout(r, 100));
	}
	await stop();
	throw new Error(`etcd did not start:\n${log}`);
}
