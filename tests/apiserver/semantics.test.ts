/**
 * The kube API's semantics seen over HTTP: resourceVersion and optimistic concurrency, pagination,
 * watch streams (initial events, bookmarks, selectors, Tables), subresources, dry runs and
 * field validation warnings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APISERVER_LIMITS } from '../../server/apiserver/limits';
import { startKubeRoom, type KubeRoom } from '../kubectl/harness';

let room: KubeRoom;
let k8s: string;
const json = { 'content-type': 'application/json' };
const CM = '/api/v1/namespaces/default/configmaps';
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const call = async (path: string, init: RequestInit = {}) => {
	const res = await room.api(k8s + path, init);
	const text = await res.text();
	return { status: res.status, body: text ? (JSON.parse(text) as Obj) : {}, headers: res.headers };
};
const post = (path: string, obj: unknown, query = '') => call(path + query, { method: 'POST', body: JSON.stringify(obj), headers: json });
const deployment = (name: string) => ({
	apiVersion: 'apps/v1',
	kind: 'Deployment',
	metadata: { name, labels: { app: name } },
	spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } }
});

/** Reads a watch stream until `stop(events)` holds or the stream ends. */
async function watch(path: string, stop: (events: Obj[]) => boolean, headers: Record<string, string> = {}): Promise<Obj[]> {
	const controller = new AbortController();
	const res = await room.api(k8s + path, { headers, signal: controller.signal });
	expect(res.status).toBe(200);
	const reader = res.body!.getReader();
	const events: Obj[] = [];
	let buf = '';
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			buf += new TextDecoder().decode(value);
			let nl: number;
			while ((nl = buf.indexOf('\n')) >= 0) {
				events.push(JSON.parse(buf.slice(0, nl)));
				buf = buf.slice(nl + 1);
			}
			if (stop(events)) break;
		}
	} finally {
		controller.abort();
	}
	return events;
}

beforeAll(async () => {
	room = await startKubeRoom();
	k8s = `/rooms/${room.roomId}/k8s`;
});
afterAll(async () => {
	await room?.stop();
});

describe('resourceVersion and concurrency', () => {
	it('uses the store revision as resourceVersion and refuses a stale update', async () => {
		const created = await post(CM, { metadata: { name: 'rv' }, data: { a: '1' } });
		expect(created.status).toBe(201);
		const rv = created.body.metadata.resourceVersion;
		const list = await call(CM);
		expect(Number(list.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(rv));
		const update = (data: Obj) => call(`${CM}/rv`, { method: 'PUT', body: JSON.stringify({ metadata: { name: 'rv', resourceVersion: rv }, data }), headers: json });
		const [a, b] = await Promise.all([update({ a: '2' }), update({ a: '3' })]);
		expect([a.status, b.status].sort()).toEqual([200, 409]);
		const loser = a.status === 409 ? a : b;
		expect(loser.body.message).toBe('Operation cannot be fulfilled on configmaps "rv": the object has been modified; please apply your changes to the latest version and try again');
	});

	it('lands every unconditional patch of many writers racing on one object (GuaranteedUpdate retries)', async () => {
		expect((await post(CM, { metadata: { name: 'race' }, data: {} })).status).toBe(201);
		const writers = 40;
		const patch = (i: number) => call(`${CM}/race`, { method: 'PATCH', body: JSON.stringify({ data: { [`k${i}`]: String(i) } }), headers: { 'content-type': 'application/merge-patch+json' } });
		const results = await Promise.all(Array.from({ length: writers }, (_, i) => patch(i)));
		expect(results.map((r) => r.status)).toEqual(Array(writers).fill(200));
		const final = (await call(`${CM}/race`)).body;
		expect(Object.keys(final.data).length).toBe(writers);
	});

	it('drops the finalizers list a strategic $deleteFromPrimitiveList empties, like omitempty', async () => {
		expect((await post(CM, { metadata: { name: 'fin', finalizers: ['example.com/x'], labels: {} } })).status).toBe(201);
		const created = (await call(`${CM}/fin`)).body.metadata;
		expect(created.labels).toBeUndefined();
		expect(JSON.stringify(created.managedFields)).not.toContain('f:labels');
		const patched = await call(`${CM}/fin`, {
			method: 'PATCH',
			body: JSON.stringify({ metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/x'] } }),
			headers: { 'content-type': 'application/strategic-merge-patch+json' }
		});
		expect(patched.status).toBe(200);
		expect(patched.body.metadata, JSON.stringify(patched.body.metadata)).not.toHaveProperty('finalizers');
		expect((await call(`${CM}/fin`)).status).toBe(200);
	});

	it('stores quantities in canonical form, on create and on patch', async () => {
		const pod = {
			metadata: { name: 'q' },
			spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: 0.5, memory: '1.5Gi' }, limits: { cpu: '2000m', memory: '2048Mi' } } }] }
		};
		const created = await post('/api/v1/namespaces/default/pods', pod);
		expect(created.status).toBe(201);
		expect(created.body.spec.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '1536Mi' }, limits: { cpu: '2', memory: '2Gi' } });
		const quota = await post('/api/v1/namespaces/default/resourcequotas', { metadata: { name: 'q' }, spec: { hard: { 'requests.cpu': '1000m' } } });
		const patched = await call(`/api/v1/namespaces/default/resourcequotas/q`, {
			method: 'PATCH',
			body: JSON.stringify({ spec: { hard: { 'requests.memory': '1024Mi' } } }),
			headers: { 'content-type': 'application/merge-patch+json' }
		});
		expect([quota.status, patched.status]).toEqual([201, 200]);
		expect(patched.body.spec.hard).toEqual({ 'requests.cpu': '1', 'requests.memory': '1Gi' });
	});

	it('does not store an update that changes nothing', async () => {
		const before = (await call(`${CM}/rv`)).body;
		const again = await call(`${CM}/rv`, { method: 'PUT', body: JSON.stringify(before), headers: json });
		expect(again.body.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
	});

	it('generates names and uids', async () => {
		const a = await post(CM, { metadata: { generateName: 'gen-' } });
		expect(a.body.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
		expect(a.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
		expect(a.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	});
});

describe('pagination', () => {
	it('walks a list with limit/continue at one revision', async () => {
		for (let i = 0; i < 7; i++) await post(CM, { metadata: { name: `page-${i}`, labels: { paged: 'yes' } } });
		const names: string[] = [];
		let token = '';
		let revision = '';
		for (let guard = 0; guard < 10; guard++) {
			const r = await call(`${CM}?labelSelector=paged%3Dyes&limit=3${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
			names.push(...r.body.items.map((i: Obj) => i.metadata.name));
			revision ||= r.body.metadata.resourceVersion;
			expect(r.body.metadata.resourceVersion).toBe(revision);
			token = r.body.metadata.continue ?? '';
			if (!token) break;
			await post(CM, { metadata: { name: `late-${guard}`, labels: { paged: 'yes' } } });
		}
		expect(names).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
		const counted = await call(`${CM}?limit=2`);
		expect(counted.body.metadata.remainingItemCount).toBe(counted.body.metadata.remainingItemCount);
		expect(counted.body.metadata.remainingItemCount).toBeGreaterThan(0);
	});

	it('lists at an exact older revision', async () => {
		const r1 = await post(CM, { metadata: { name: 'exact' }, data: { v: '1' } });
		await call(`${CM}/exact`, { method: 'PATCH', body: '{"data":{"v":"2"}}', headers: { 'content-type': 'application/merge-patch+json' } });
		const old = await call(`${CM}?resourceVersion=${r1.body.metadata.resourceVersion}&resourceVersionMatch=Exact&fieldSelector=metadata.name%3Dexact`);
		expect(old.body.items[0].data).toEqual({ v: '1' });
		expect(old.body.metadata.resourceVersion).toBe(r1.body.metadata.resourceVersion);
	});
});

describe('watch', () => {
	it('sends initial ADDED events for resourceVersion 0, then changes', async () => {
		await post(CM, { metadata: { name: 'w1', labels: { w: 'x' } } });
		const pending = watch(`${CM}?watch=1&resourceVersion=0&labelSelector=w`, (e) => e.length >= 3);
		await new Promise((r) => setTimeout(r, 100));
		await call(`${CM}/w1`, { method: 'PATCH', body: '{"data":{"a":"b"}}', headers: { 'content-type': 'application/merge-patch+json' } });
		await call(`${CM}/w1`, { method: 'DELETE' });
		const events = await pending;
		expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
		expect(Number(events[2].object.metadata.resourceVersion)).toBeGreaterThan(Number(events[1].object.metadata.resourceVersion));
	});

	it('sends bookmarks when allowed, and the initial-events-end bookmark with sendInitialEvents', async () => {
		const saved = APISERVER_LIMITS.bookmarkIntervalMs;
		APISERVER_LIMITS.bookmarkIntervalMs = 50;
		try {
			const events = await watch(`${CM}?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&fieldSelector=metadata.name%3Drv`, (e) => e.filter((x) => x.type === 'BOOKMARK').length >= 2);
			expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'rv' } } });
			expect(events[1]).toMatchObject({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } });
			expect(events[2]).toMatchObject({ type: 'BOOKMARK', object: { metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } } });
		} finally {
			APISERVER_LIMITS.bookmarkIntervalMs = saved;
		}
	});

	it('streams one-row Tables when asked, column definitions first only', async () => {
		const accept = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };
		const pending = watch(`${DEPLOY}?watch=1`, (e) => e.length >= 2, accept);
		await new Promise((r) => setTimeout(r, 100));
		await post(DEPLOY, deployment('t1'));
		await post(DEPLOY, deployment('t2'));
		const events = await pending;
		expect(events[0].object.kind).toBe('Table');
		expect(events[0].object.columnDefinitions.map((c: Obj) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
		expect(events[0].object.rows[0].cells.slice(0, 2)).toEqual(['t1', '0/1']);
		expect(events[1].object.columnDefinitions).toBeUndefined();
	});
});

describe('subresources', () => {
	it('keeps status out of main updates and spec out of status updates', async () => {
		const d = (await post(DEPLOY, deployment('sub'))).body;
		const viaMain = await call(`${DEPLOY}/sub`, { method: 'PATCH', body: '{"status":{"replicas":9}}', headers: { 'content-type': 'application/merge-patch+json' } });
		expect(viaMain.body.status).toEqual({});
		const viaStatus = await call(`${DEPLOY}/sub/status`, { method: 'PATCH', body: '{"spec":{"replicas":7},"status":{"replicas":9}}', headers: { 'content-type': 'application/merge-patch+json' } });
		expect(viaStatus.status).toBe(200);
		expect(viaStatus.body.status).toEqual({ replicas: 9 });
		expect(viaStatus.body.spec.replicas).toBe(1);
		expect(viaStatus.body.metadata.generation).toBe(d.metadata.generation);
	});

	it('reads and writes the scale subresource', async () => {
		const scale = await call(`${DEPLOY}/sub/scale`);
		expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'sub', namespace: 'default' }, spec: { replicas: 1 }, status: { replicas: 9, selector: 'app=sub' } });
		const put = await call(`${DEPLOY}/sub/scale`, { method: 'PUT', body: JSON.stringify({ ...scale.body, spec: { replicas: 4 } }), headers: json });
		expect(put.body.spec.replicas).toBe(4);
		const d = (await call(`${DEPLOY}/sub`)).body;
		expect(d.spec.replicas).toBe(4);
		expect(d.metadata.generation).toBe(2);
		const stale = await call(`${DEPLOY}/sub/scale`, { method: 'PUT', body: JSON.stringify({ ...scale.body, spec: { replicas: 5 } }), headers: json });
		expect(stale.status).toBe(409);
	});
});

describe('dry runs and field validation', () => {
	it('answers a dry-run create without storing it', async () => {
		const r = await post(CM, { metadata: { name: 'dry' } }, '?dryRun=All');
		expect(r.status).toBe(201);
		expect(r.body.metadata.uid).toBeTruthy();
		expect(r.body.metadata.resourceVersion).toBeUndefined();
		expect((await call(`${CM}/dry`)).status).toBe(404);
	});

	it('warns about unknown fields with fieldValidation=Warn (the default) and drops them', async () => {
		const r = await post(CM, { metadata: { name: 'warned' }, spec: { foo: 1 }, data: { a: 'b' } });
		expect(r.status).toBe(201);
		expect(r.headers.get('warning')).toBe('299 - "unknown field \\"spec\\""');
		expect(r.body.spec).toBeUndefined();
		const ignored = await post(CM, { metadata: { name: 'ignored' }, spec: { foo: 1 } }, '?fieldValidation=Ignore');
		expect(ignored.headers.get('warning')).toBeNull();
	});

	it('serves Tables for single objects and metadata-only lists', async () => {
		const t = await call(`${CM}/warned`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
		expect(t.body).toMatchObject({ kind: 'Table', rows: [{ cells: ['warned', 1, expect.any(String)], object: { kind: 'PartialObjectMetadata' } }] });
		const m = await call(CM, { headers: { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' } });
		expect(m.body.kind).toBe('PartialObjectMetadataList');
		expect(m.body.items[0]).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: expect.objectContaining({ name: expect.any(String) }) });
	});

	it('lists Tables whose row objects are the listed objects, the same when served again (kept encodings)', async () => {
		const list = (await call(CM)).body;
		const table = (include: string) => call(`${CM}?includeObject=${include}`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
		for (const include of ['Metadata', 'Object', 'None']) {
			const first = await table(include);
			const again = await table(include);
			expect(first.headers.get('content-type')).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
			expect(Object.keys(first.body)).toEqual(['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
			expect(first.body.rows.map((r: Obj) => r.cells[0])).toEqual(list.items.map((o: Obj) => o.metadata.name));
			expect(again.body.rows.map((r: Obj) => r.object)).toEqual(first.body.rows.map((r: Obj) => r.object));
			first.body.rows.forEach((row: Obj, i: number) => {
				const item = list.items[i];
				if (include === 'None') return expect(row.object).toBeUndefined();
				if (include === 'Metadata') return expect(row.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata });
				expect(row.object).toEqual({ ...item, apiVersion: 'v1', kind: 'ConfigMap' });
			});
		}
	});

	it('serves events.k8s.io Events as the core Events they are stored as', async () => {
		const ev = await post('/apis/events.k8s.io/v1/namespaces/default/events', {
			metadata: { name: 'e1' },
			eventTime: '2026-11-25T10:00:00.000000Z',
			reportingController: 'converge/test',
			reportingInstance: 'i1',
			action: 'Testing',
			reason: 'Tested',
			regarding: { kind: 'ConfigMap', name: 'rv', namespace: 'default' },
			note: 'hello',
			type: 'Normal'
		});
		expect(ev.status).toBe(201);
		expect(ev.body).toMatchObject({ apiVersion: 'events.k8s.io/v1', kind: 'Event', note: 'hello', regarding: { name: 'rv' } });
		const core = await call('/api/v1/namespaces/default/events/e1');
		expect(core.body).toMatchObject({ apiVersion: 'v1', kind: 'Event', message: 'hello', involvedObject: { name: 'rv' }, reportingComponent: 'converge/test' });
	});
});
