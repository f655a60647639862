/**
 * System packages the test suite needs (Debian names), checked before anything runs. As root they
 * are installed with apt-get; otherwise the run stops and names them.
 *
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface SystemDep {
	/** Debian package. */
	pkg: string;
	/** A file the package provides; present means installed. */
	provides: string[];
	why: string;
}

export const SYSTEM_DEPS: SystemDep[] = [
	{ pkg: 'chromium', provides: ['/usr/bin/chromium'], why: 'browser tests (Playwright drives Debian chromium)' },
	{ pkg: 'etcd-server', provides: ['/usr/bin/etcd'], why: 'reference etcd for store differential tests and benchmarks' },
	{ pkg: 'etcd-client', provides: ['/usr/bin/etcdctl'], why: 'real etcdctl against rooms' }
];

export function missingDeps(deps = SYSTEM_DEPS): SystemDep[] {
	return deps.filter((d) => !d.provides.every((f) => existsSync(f)));
}

/** Installs what is missing (as root) or throws with a message naming the packages. */
export function ensureSystemDeps(log: (m: string) => void = console.log): void {
	const missing = missingDeps();
	if (missing.length === 0) return;
	const names = missing.map((d) => d.pkg).join(' ');
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot) {
		throw new Error(
			`missing system packages: ${names}\n` +
				missing.map((d) => `  ${d.pkg}: ${d.why}`).join('\n') +
				`\ninstall them with: sudo apt-get install -y ${names}`
		);
	}
	log(`installing system packages: ${names}`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
	const r = spawnSync('apt-get', ['install', '-y', '-qq', ...missing.map((d) => d.pkg)], { stdio: 'inherit', env });
	if (r.status !== 0 || missingDeps().length > 0) throw new Error(`apt-get could not install: ${missingDeps().map((d) => d.pkg).join(' ')}`);
}
