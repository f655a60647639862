/**
 * `npm run dev` mounts the same server code as production through a Vite plugin: the rooms API
 * and collaboration sockets work in dev, and Vite's own HMR socket still connects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createServer, type ViteDevServer } from 'vite';

let vite: ViteDevServer;
let origin: string;
const dataDir = mkdtempSync(join(tmpdir(), 'converge-dev-'));

beforeAll(async () => {
	process.env.DATA_DIR = dataDir;
	vite = await createServer({ configFile: join(process.cwd(), 'vite.config.ts'), server: { host: '127.0.0.1', port: 0, strictPort: false }, logLevel: 'silent' });
	await vite.listen();
	const addr = vite.httpServer!.address() as { port: number };
	origin = `http://127.0.0.1:${addr.port}`;
});

afterAll(async () => {
	await vite.close();
	delete process.env.DATA_DIR;
	rmSync(dataDir, { recursive: true, force: true });
});

/** Opens a socket and resolves with its first message (or the close code). */
function firstMessage(url: string, protocol?: string): Promise<{ data?: Buffer; close?: number }> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, protocol);
		ws.once('message', (data: Buffer) => (resolve({ data }), ws.close()));
		ws.once('close', (code) => resolve({ close: code }));
		ws.once('error', reject);
	});
}

describe('dev server', () => {
	it('serves the rooms API and the collaboration socket from the same code as production', async () => {
		const res = await fetch(`${origin}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"starter":"web-app"}' });
		expect(res.status).toBe(201);
		const room = (await res.json()) as { id: string; tokens: { editor: string } };
		const msg = await firstMessage(`${origin.replace('http', 'ws')}/collab/${room.id}?token=${room.tokens.editor}`);
		expect(msg.data?.[0]).toBe(0); // y-protocols sync message
		const bad = await firstMessage(`${origin.replace('http', 'ws')}/collab/${room.id}?token=nope`);
		expect(bad.close).toBe(4401);
	});

	it("leaves Vite's HMR socket working", async () => {
		const client = await (await fetch(`${origin}/@vite/client`)).text();
		const token = /const wsToken = "([^"]*)"/.exec(client)?.[1] ?? '';
		const msg = await firstMessage(`${origin.replace('http', 'ws')}/?token=${token}`, 'vite-hmr');
		expect(JSON.parse(String(msg.data))).toEqual({ type: 'connected' });
	});
});
