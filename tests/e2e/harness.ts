/**
 * Shared harness of the browser tests: the production build, the production server as a child
 * process, and Debian's chromium driven by playwright-core (no browser download).
 *
 * `useHarness()` registers the hooks of one test file:
 *
 *   beforeAll  build the app if needed, start `server/index.ts` on 127.0.0.1 (port 0) with a fresh
 *              temp DATA_DIR, launch chromium
 *   afterEach  close the browser contexts the test opened, fail on uncaught page errors
 *   afterAll   close chromium, stop the server, delete DATA_DIR
 *
 * Build policy (env `E2E_BUILD`):
 *   - `auto` (default): run `vite build` when `build/handler.js` is missing or older than any
 *     input of the client build (src/** except unit tests, static/**, svelte.config.js,
 *     vite.config.ts, package.json). Costs ~15-25 s when it builds, nothing otherwise.
 *   - `always`: build once per vitest run, whatever the mtimes say.
 *   - `never`: use build/ as it is (fails if build/handler.js is missing).
 *   A run builds at most once: a marker in the OS temp dir, keyed by the process id of vitest's
 *   main process, stops later test files from building again (even if a source changes meanwhile).
 *   The build runs without the variables vitest sets (VITEST, NODE_ENV=test, ...), so it is the
 *   same build as `npm run build`. It writes build/ in place: do not run it while another
 *   process builds or serves build/.
 *
 * The server is started as `node --import tsx server/index.ts` (one process, no tsx CLI wrapper),
 * so SIGTERM and SIGKILL reach the server itself. `stopServer(signal)` + `startServerAgain()`
 * restart it on the same port and DATA_DIR, for the restart tests.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HANDLER = join(ROOT, 'build', 'handler.js');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	// Several pages of one headless browser are "in the background" for each other: keep their
	// timers (awareness renewals, reconnects) running at full speed.
	'--disable-background-timer-throttling',
	'--disable-renderer-backgrounding',
	'--disable-backgrounding-occluded-windows'
];

/** The environment of child processes, without what vitest adds to its own. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (k === 'VITEST' || k.startsWith('VITEST_') || k === 'TEST' || k === 'NODE_ENV') continue;
		env[k] = v;
	}
	return { ...env, ...extra };
}

// ---------------------------------------------------------------------------------------------
// Build
// ---------------------------------------------------------------------------------------------

function newestMtime(path: string, skip: (p: string) => boolean): number {
	if (!existsSync(path) || skip(path)) return 0;
	const st = statSync(path);
	if (!st.isDirectory()) return st.mtimeMs;
	let newest = 0;
	for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name), skip));
	return newest;
}

/** Whether build/handler.js is missing or older than an input of the client build. */
export function buildIsStale(): boolean {
	if (!existsSync(HANDLER)) return true;
	const skip = (p: string) => /\.(test|spec)\.[cm]?[jt]s$/.test(p);
	const inputs = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'].map((p) => newestMtime(join(ROOT, p), skip));
	return Math.max(...inputs) > statSync(HANDLER).mtimeMs;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out.slice(-4000)}`))));
	});
}

/**
 * Marks that this vitest run has built (vitest's main process, the parent of the test workers,
 * identifies the run), so later test files of the run never build again, even when someone
 * edits a source file meanwhile.
 */
function builtMarker(): string {
	let started = '';
	try {
		// Linux: the parent's start time (field 22 of /proc/<pid>/stat) makes a reused pid harmless.
		started = '-' + readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1].split(' ')[19];
	} catch {
		/* not Linux: the pid alone */
	}
	return join(tmpdir(), `converge-e2e-built-${process.ppid}${started}`);
}

/** Builds the app according to `E2E_BUILD` (see the module comment). */
export async function ensureBuild(): Promise<void> {
	const mode = process.env.E2E_BUILD ?? 'auto';
	if (mode !== 'auto' && mode !== 'always' && mode !== 'never') throw new Error(`E2E_BUILD must be auto, always or never, not "${mode}"`);
	if (mode === 'never' || (existsSync(builtMarker()) && existsSync(HANDLER))) {
		if (!existsSync(HANDLER)) throw new Error('E2E_BUILD=never but build/handler.js is missing: run `npm run build`');
		return;
	}
	if (mode === 'auto' && !buildIsStale()) return;
	await run(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], childEnv());
	writeFileSync(builtMarker(), new Date().toISOString());
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export interface ServerHandle {
	readonly origin: string;
	readonly port: number;
	readonly dataDir: string;
	readonly process: ChildProcess;
	/** Everything the server printed (stdout and stderr), for failure messages. */
	readonly output: () => string;
	/** Stops the server with `signal` and resolves once the process has exited. */
	stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the production server on 127.0.0.1; resolves once it listens. */
export function startServer(opts: { dataDir: string; port?: number; env?: Record<string, string> }): Promise<ServerHandle> {
	const child = spawn(process.execPath, ['--import', 'tsx', join('server', 'index.ts')], {
		cwd: ROOT,
		env: childEnv({ PORT: String(opts.port ?? 0), HOST: '127.0.0.1', DATA_DIR: opts.dataDir, ...opts.env }),
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	let exited = child.exitCode !== null;
	const exit = new Promise<void>((resolve) =>
		child.once('exit', () => {
			exited = true;
			resolve();
		})
	);
	const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
		if (exited) return;
		child.kill(signal);
		const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
		await exit;
		clearTimeout(timer);
	};
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			void stop('SIGKILL');
			reject(new Error(`the server did not start within 30 s:\n${output}`));
		}, 30_000);
		const onData = (d: Buffer) => {
			output += d.toString();
			const m = /\[converge\] listening on http:\/\/[^\s:]+:(\d+)/.exec(output);
			if (m) {
				clearTimeout(timer);
				child.stdout!.off('data', onData);
				child.stdout!.on('data', (more: Buffer) => (output += more.toString()));
				const port = Number(m[1]);
				resolve({ origin: `http://127.0.0.1:${port}`, port, dataDir: opts.dataDir, process: child, output: () => output, stop });
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			reject(new Error(`the server exited (${code ?? signal}) before listening:\n${output}`));
		});
	});
}

// ---------------------------------------------------------------------------------------------
// Rooms API
// ---------------------------------------------------------------------------------------------

export interface CreatedRoom {
	id: string;
	name: string;
	tokens: { facilitator: string; editor: string; viewer: string };
	links: { facilitator: string; editor: string; viewer: string };
	files: Array<{ path: string; type: 'file' | 'dir' }>;
}

export async function createRoom(origin: string, starter: 'web-app' | 'blank', name?: string): Promise<CreatedRoom> {
	const res = await fetch(`${origin}/api/rooms`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ starter, name })
	});
	if (res.status !== 201) throw new Error(`POST /api/rooms: ${res.status} ${await res.text()}`);
	return (await res.json()) as CreatedRoom;
}

/** A file's text as the server has it (undefined when the file does not exist). */
export async function serverFile(origin: string, room: CreatedRoom, path: string): Promise<string | undefined> {
	const res = await fetch(`${origin}/api/rooms/${room.id}/files?path=${encodeURIComponent(path)}`, {
		headers: { authorization: `Bearer ${room.tokens.editor}` }
	});
	if (res.status === 404) return undefined;
	if (!res.ok) throw new Error(`GET files ${path}: ${res.status} ${await res.text()}`);
	return res.text();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** A kube API call as the room's editor; throws with the Status message unless it succeeds. */
export async function kubeCall(origin: string, room: CreatedRoom, method: string, path: string, body?: unknown): Promise<Obj> {
	const res = await fetch(`${origin}/rooms/${room.id}/k8s${path}`, {
		method,
		headers: { authorization: `Bearer ${room.tokens.editor}`, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	const json = (await res.json()) as Obj;
	if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${json.message}`);
	return json;
}

/** A room clock action as the facilitator (`{action: 'pause'}`, `{action: 'step', seconds}`); the clock's state. */
export async function roomClock(origin: string, room: CreatedRoom, body: Obj): Promise<Obj> {
	const res = await fetch(`${origin}/api/rooms/${room.id}/clock`, {
		method: 'POST',
		headers: { authorization: `Bearer ${room.tokens.facilitator}`, 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	const json = (await res.json()) as Obj;
	if (!res.ok) throw new Error(`clock ${JSON.stringify(body)}: ${res.status} ${json.message}`);
	return json;
}

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

export interface User {
	name: string;
	context: BrowserContext;
	page: Page;
	/** Uncaught exceptions of the page (checked after each test). */
	errors: string[];
}

/** The text of `path` in the page's Y.Doc (window.converge.session.doc), or null. */
export function yText(page: Page, path: string): Promise<string | null> {
	return page.evaluate((p) => {
		const c = (window as unknown as { converge?: { session: { doc: import('yjs').Doc } } }).converge;
		if (!c) return null;
		const doc = c.session.doc;
		let id: string | undefined;
		doc.getMap<{ path: string }>('tree').forEach((e, k) => {
			if (e.path === p) id = k;
		});
		if (id === undefined) return null;
		return doc.getMap<import('yjs').Text>('texts').get(id)?.toString() ?? null;
	}, path);
}

/**
 * The text CodeMirror shows, without widgets (remote carets and their name labels). All lines
 * are rendered for the small files of these tests.
 */
export function editorText(page: Page): Promise<string> {
	return page.evaluate(() =>
		[...document.querySelectorAll('[data-testid=editor] .cm-content > .cm-line')]
			.map((line) => {
				const copy = line.cloneNode(true) as HTMLElement;
				copy.querySelectorAll('[contenteditable=false], .cm-ySelectionCaret, .cm-widgetBuffer').forEach((w) => w.remove());
				return copy.textContent ?? '';
			})
			.join('\n')
	);
}

/** `expect.poll` with a timeout for browsers on a small machine (vitest's default is 1 s). */
export function poll<T>(fn: () => T | Promise<T>, timeout = 15_000) {
	return expect.poll(fn, { timeout, interval: 50 });
}

/** Connection attributes of the status indicator. */
export async function status(page: Page): Promise<{ connection: string | null; pending: string | null }> {
	const s = page.getByTestId('status');
	return { connection: await s.getAttribute('data-connection'), pending: await s.getAttribute('data-pending') };
}

/** Waits until the page is connected, synced and has nothing pending. */
export async function waitSettled(page: Page, timeout = 30_000): Promise<void> {
	try {
		await page.waitForFunction(
			() => {
				const c = (window as unknown as { converge?: { session: { client: { status: { connection: string; synced: boolean; pending: boolean } } } } }).converge;
				const s = c?.session.client.status;
				return !!s && s.connection === 'connected' && s.synced && !s.pending;
			},
			undefined,
			{ timeout, polling: 50 }
		);
	} catch (e) {
		const last = await page
			.evaluate(() => JSON.stringify((window as unknown as { converge?: { session: { client: { status: unknown } } } }).converge?.session.client.status))
			.catch(() => 'unknown');
		throw new Error(`the page did not become connected + synced + nothing pending within ${timeout} ms; last status: ${last}`, { cause: e });
	}
	await expect.poll(() => status(page), { timeout, interval: 50 }).toEqual({ connection: 'connected', pending: 'false' });
}

/** Opens a file from the tree and waits until the editor shows it. */
export async function openFile(page: Page, path: string): Promise<void> {
	await page.locator(`[data-testid=file-tree] .name[data-path="${path}"]`).click();
	await page.locator(`[data-testid=editor][data-path="${path}"] .cm-content`).waitFor();
	await poll(async () => (await editorText(page)) === (await yText(page, path))).toBe(true);
}

export interface Harness {
	readonly browser: Browser;
	readonly server: ServerHandle;
	readonly origin: string;
	readonly dataDir: string;
	/** A new browser context (its own localStorage, so its own identity) with one page. */
	newUser(name: string, color: string, viewport?: { width: number; height: number }): Promise<User>;
	/** Opens a room link and waits until the room is synced. */
	openRoom(user: User, link: string): Promise<void>;
	createRoom(starter: 'web-app' | 'blank', name?: string): Promise<CreatedRoom>;
	serverFile(room: CreatedRoom, path: string): Promise<string | undefined>;
	/** Stops the server with `signal` (and waits for the exit). */
	stopServer(signal: NodeJS.Signals): Promise<void>;
	/** Starts the server again on the same port and DATA_DIR. */
	startServerAgain(): Promise<void>;
}

/** Registers the hooks of one test file and returns its harness (usable inside tests). */
export function useHarness(): Harness {
	let browser: Browser | undefined;
	let server: ServerHandle | undefined;
	let dataDir = '';
	let port = 0;
	let users: User[] = [];

	beforeAll(async () => {
		await ensureBuild();
		dataDir = mkdtempSync(join(tmpdir(), 'converge-e2e-'));
		// The browser starts while the server does (each takes seconds); afterAll stops whichever started.
		const launching = chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
		try {
			server = await startServer({ dataDir });
			port = server.port;
		} finally {
			browser = await launching;
		}
	});

	afterEach(async () => {
		const errors = users.flatMap((u) => u.errors.map((e) => `${u.name}: ${e}`));
		await Promise.all(users.map((u) => u.context.close().catch(() => undefined)));
		users = [];
		expect(errors, 'uncaught errors in the pages').toEqual([]);
	});

	afterAll(async () => {
		await browser?.close().catch(() => undefined);
		await server?.stop('SIGTERM');
		if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	});

	const h: Harness = {
		get browser() {
			if (!browser) throw new Error('the harness is not started');
			return browser;
		},
		get server() {
			if (!server) throw new Error('the harness is not started');
			return server;
		},
		get origin() {
			return h.server.origin;
		},
		get dataDir() {
			return dataDir;
		},
		async newUser(name, color, viewport = { width: 1280, height: 800 }) {
			const context = await h.browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' });
			// Fixed identities: names in presence and on cursors are known to the tests.
			await context.addInitScript(
				({ name, color }) => {
					try {
						localStorage.setItem('converge.identity', JSON.stringify({ name, color }));
					} catch {
						/* about:blank has no storage */
					}
				},
				{ name, color }
			);
			const page = await context.newPage();
			const user: User = { name, context, page, errors: [] };
			page.on('pageerror', (e) => user.errors.push(e.stack ?? e.message));
			users.push(user);
			return user;
		},
		async openRoom(user, link) {
			await user.page.goto(link);
			await user.page.getByTestId('file-tree').waitFor();
			await waitSettled(user.page);
		},
		createRoom: (starter, name) => createRoom(h.origin, starter, name),
		serverFile: (room, path) => serverFile(h.origin, room, path),
		async stopServer(signal) {
			await h.server.stop(signal);
		},
		async startServerAgain() {
			server = await startServer({ dataDir, port });
		}
	};
	return h;
}
