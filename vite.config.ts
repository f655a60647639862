import { availableParallelism } from 'node:os';
import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin, PreviewServer, ViteDevServer } from 'vite';
import { defineConfig } from 'vitest/config';
import { configFromEnv } from './server/config';
import { createConverge, type Converge } from './server/app';

/**
 * Mounts converge's server (rooms API, collaboration sockets) into Vite's dev and preview servers,
 * so `npm run dev` runs the same code as production. The instance lives on globalThis: Vite
 * evaluates this module more than once, and two room registries would see different documents.
 */
function convergeServer(): Plugin {
	const key = Symbol.for('converge.dev');
	const get = (): Promise<Converge> => {
		const g = globalThis as unknown as Record<symbol, Promise<Converge>>;
		return (g[key] ??= createConverge(configFromEnv()));
	};
	const mount = (server: ViteDevServer | PreviewServer) => {
		server.middlewares.use((req, res, next) => {
			get().then((c) => c.handle(req, res, () => next()), next);
		});
		// Only our own paths are taken; Vite's HMR socket is left alone.
		server.httpServer?.on('upgrade', (req, socket, head) => {
			if (!new URL(req.url ?? '/', 'http://x').pathname.startsWith('/collab/')) return;
			get().then((c) => c.upgrade(req, socket, head));
		});
	};
	return { name: 'converge-server', configureServer: mount, configurePreviewServer: mount };
}

/**
 * Test files at once per project. Vitest's default in a run is one fewer than the cores: a single
 * worker on a 2-core machine, which leaves a core idle whenever a test waits (servers, kubectl,
 * browsers) and pays every file's start-up in series.
 */
const TEST_WORKERS = Math.max(2, availableParallelism() - 1);

export default defineConfig({
	plugins: [sveltekit(), convergeServer()],
	test: {
		maxWorkers: TEST_WORKERS,
		projects: [
			// Threads: pure code without process-wide state; a thread starts faster than a forked process.
			{ extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'server/**/*.test.ts'], environment: 'node', pool: 'threads' } },
			{ extends: true, test: { name: 'store', include: ['tests/store/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 } },
			// The collaboration layer alone (files, sockets, acks, unloads): no cluster behind the rooms.
			{ extends: true, test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], environment: 'node', env: { CONTROLLERS: 'none' }, testTimeout: 60_000, hookTimeout: 60_000 } },
			{ extends: true, test: { name: 'conformance', include: ['tests/conformance/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 } },
			// One file at a time: each kill loop keeps a core busy restarting its server, and two at once
			// outran the 180 s timeout on a loaded 2-core machine.
			{ extends: true, test: { name: 'crash', include: ['tests/crash/**/*.test.ts'], environment: 'node', testTimeout: 180_000, hookTimeout: 60_000, fileParallelism: false } },
			{ extends: true, test: { name: 'kubectl', include: ['tests/kubectl/**/*.test.ts', 'tests/apiserver/**/*.test.ts'], environment: 'node', env: { CONTROLLERS: 'none' }, testTimeout: 120_000, hookTimeout: 60_000 } },
			{ extends: true, test: { name: 'clients', include: ['tests/clients/**/*.test.ts'], environment: 'node', env: { CONTROLLERS: 'none' }, testTimeout: 180_000, hookTimeout: 60_000 } },
			{ extends: true, test: { name: 'controlplane', include: ['tests/controlplane/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 60_000 } },
			{ extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false } }
		]
	}
});
