import { describe, expect, test } from 'vitest';
import { ApiError, RESOURCES, type WatchEvent } from '../controllers/types';
import { FetchKubeClient } from './fetch-client';

interface Call {
	url: string;
	method: string;
	headers: Record<string, string>;
	body?: string;
}

/** A fetch that records calls and answers from `respond`. */
function fakeFetch(respond: (c: Call, signal?: AbortSignal) => Response) {
	const calls: Call[] = [];
	const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
		const c = { url: String(input), method: init?.method ?? 'GET', headers: (init?.headers ?? {}) as Record<string, string>, body: init?.body as string | undefined };
		calls.push(c);
		return respond(c, init?.signal ?? undefined);
	}) as typeof fetch;
	return { f, calls };
}

/** A response body that sends `chunks` and then stays open until aborted (like a watch). */
function streaming(chunks: string[], signal?: AbortSignal, close = false): Response {
	const enc = new TextEncoder();
	const body = new ReadableStream<Uint8Array>({
		start(ctrl) {
			for (const c of chunks) ctrl.enqueue(enc.encode(c));
			if (close) ctrl.close();
			signal?.addEventListener('abort', () => ctrl.error(new DOMException('aborted', 'AbortError')));
		}
	});
	return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
}

const pod = (name: string, rv: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', resourceVersion: rv } });

describe('FetchKubeClient', () => {
	test('requests carry the room path, the bearer token and the field manager', async () => {
		const { f, calls } = fakeFetch(() => new Response(JSON.stringify(pod('web', '7')), { status: 201 }));
		const c = new FetchKubeClient({ roomId: 'r1', token: 'tok', fetch: f, fieldManager: 'converge-ui' });
		await c.create(RESOURCES.pods, pod('web', ''));
		await c.patch({ group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false }, undefined, 'n1', 'strategic', { spec: { unschedulable: true } });
		expect(calls.map((x) => [x.method, x.url, x.headers.authorization, x.headers['content-type']])).toEqual([
			['POST', '/rooms/r1/k8s/api/v1/namespaces/default/pods?fieldManager=converge-ui', 'Bearer tok', 'application/json'],
			['PATCH', '/rooms/r1/k8s/api/v1/nodes/n1?fieldManager=converge-ui', 'Bearer tok', 'application/strategic-merge-patch+json']
		]);
	});

	test('a failed call rejects with the ApiError of the Status body', async () => {
		const { f } = fakeFetch(
			() => new Response(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "x" not found' }), { status: 404 })
		);
		const c = new FetchKubeClient({ roomId: 'r1', token: 'tok', fetch: f });
		const err = await c.get(RESOURCES.pods, 'default', 'x').catch((e) => e);
		expect(err).toBeInstanceOf(ApiError);
		expect([err.code, err.reason, err.message]).toEqual([404, 'NotFound', 'pods "x" not found']);
	});

	test('watch delivers events split across chunks and stop() aborts the request', async () => {
		let aborted: AbortSignal | undefined;
		const e1 = JSON.stringify({ type: 'ADDED', object: pod('a', '5') });
		const e2 = JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '9' } } });
		const { f, calls } = fakeFetch((_, signal) => {
			aborted = signal;
			return streaming([e1.slice(0, 10), e1.slice(10) + '\n' + e2.slice(0, 4), e2.slice(4) + '\n'], signal);
		});
		const c = new FetchKubeClient({ roomId: 'r1', token: 'tok', fetch: f });
		const got: WatchEvent[] = [];
		let ended: unknown = 'not ended';
		const w = c.watch(RESOURCES.pods, { resourceVersion: '4' }, (e) => got.push(e), (err) => (ended = err));
		await expect.poll(() => got.length).toBe(2);
		expect(calls[0].url).toBe('/rooms/r1/k8s/api/v1/pods?watch=1&allowWatchBookmarks=true&resourceVersion=4');
		expect(got.map((e) => [e.type, e.object.metadata.resourceVersion])).toEqual([
			['ADDED', '5'],
			['BOOKMARK', '9']
		]);
		w.stop();
		expect(aborted?.aborted).toBe(true);
		await new Promise((r) => setTimeout(r, 10));
		expect(ended).toBe('not ended'); // stop() is not an end the caller must handle
	});

	test('a watch ERROR event (410 Gone) ends the watch with an ApiError the informer relists on', async () => {
		const gone = JSON.stringify({ type: 'ERROR', object: { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (50)' } });
		const { f } = fakeFetch((_, signal) => streaming([gone + '\n'], signal));
		const c = new FetchKubeClient({ roomId: 'r1', token: 'tok', fetch: f });
		const ended = await new Promise<Error | undefined>((resolve) => c.watch(RESOURCES.pods, { resourceVersion: '1' }, () => {}, resolve));
		expect(ended).toBeInstanceOf(ApiError);
		expect((ended as ApiError).code).toBe(410);
	});

	test('a watch the server closes ends without an error; a refused one with its Status', async () => {
		const { f } = fakeFetch((c, signal) =>
			c.url.includes('namespaces/forbidden')
				? new Response(JSON.stringify({ kind: 'Status', reason: 'Forbidden', code: 403, message: 'pods is forbidden' }), { status: 403 })
				: streaming([JSON.stringify({ type: 'DELETED', object: pod('a', '6') })], signal, true)
		);
		const c = new FetchKubeClient({ roomId: 'r1', token: 'tok', fetch: f });
		const got: WatchEvent[] = [];
		const closed = await new Promise<Error | undefined>((resolve) => c.watch(RESOURCES.pods, { resourceVersion: '1' }, (e) => got.push(e), resolve));
		expect(closed).toBeUndefined();
		expect(got.map((e) => e.type)).toEqual(['DELETED']); // the last line had no newline
		const refused = await new Promise<Error | undefined>((resolve) => c.watch(RESOURCES.pods, { resourceVersion: '1', namespace: 'forbidden' }, () => {}, resolve));
		expect([(refused as ApiError).code, refused?.message]).toEqual([403, 'pods is forbidden']);
	});
});
