/**
 * The JSON gateway: the same `POST /v3/...` requests to real etcd 3.4's gateway and to converge's
 * must get the same status and the same JSON (original field names, int64 as strings, base64
 * bytes, defaults omitted, errors as {"error","message","code"}), apart from cluster, member and
 * lease ids. converge needs a token (etcd here runs without auth); its auth errors are checked
 * against what etcd 3.4 answers with auth enabled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConverge, startEtcd, type ConvergeSide, type Side } from './harness';

let etcd: Side;
let conv: ConvergeSide;
let token: string;

const b64 = (s: string) => Buffer.from(s).toString('base64');

beforeAll(async () => {
	[etcd, conv] = await Promise.all([startEtcd(), startConverge()]);
	const r = await fetch(`${conv.origin}/v3/auth/authenticate`, { method: 'POST', body: JSON.stringify({ name: conv.roomId, password: conv.tokens.editor }) });
	token = ((await r.json()) as { token: string }).token;
}, 60_000);

afterAll(async () => {
	await Promise.all([etcd?.stop(), conv?.stop()]);
});

interface Reply {
	status: number;
	body: unknown;
}

/** Per side: lease ids by order of appearance. */
const leaseIds = new Map<string, Map<string, string>>();

function normalize(side: string, text: string): unknown {
	const ids = leaseIds.get(side) ?? new Map<string, string>();
	leaseIds.set(side, ids);
	return JSON.parse(text, (key, v) => {
		if (key === 'cluster_id' || key === 'member_id' || key === 'leader' || key === 'memberID') return '<id>';
		// A lease's remaining seconds depend on timing (and converge's lessor rounds up where etcd truncates).
		if (key === 'TTL' && typeof v === 'string' && Number(v) > 50) return '<ttl>';
		if ((key === 'ID' || key === 'lease') && typeof v === 'string') {
			if (!ids.has(v)) ids.set(v, `L${ids.size + 1}`);
			return ids.get(v);
		}
		return v;
	});
}

async function call(s: Side, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
	const auth: Record<string, string> = s === conv ? { authorization: token } : {};
	const r = await fetch(`${s.origin}${path}`, { method: 'POST', headers: { ...auth, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
	const text = await r.text();
	return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? normalize(s.name, text) : text };
}

/** The same request to both gateways; the replies must be equal. */
async function same(path: string, body: unknown): Promise<Reply> {
	const a = await call(etcd, path, body);
	const c = await call(conv, path, body);
	expect(c, `POST ${path} ${JSON.stringify(body)}`).toEqual(a);
	return a;
}

/** A streaming call: the first `lines` JSON lines of the response. */
async function stream(s: Side, path: string, body: string, lines: number, withToken = true): Promise<unknown[]> {
	const ctl = new AbortController();
	const auth: Record<string, string> = s === conv && withToken ? { authorization: token } : {};
	const r = await fetch(`${s.origin}${path}`, { method: 'POST', headers: auth, body, signal: ctl.signal });
	const out: unknown[] = [];
	let buf = '';
	const reader = r.body!.getReader();
	const deadline = setTimeout(() => ctl.abort(), 5000);
	try {
		while (out.length < lines) {
			const { done, value } = await reader.read();
			if (done) break;
			buf += Buffer.from(value).toString();
			let i: number;
			while ((i = buf.indexOf('\n')) >= 0) {
				out.push(normalize(s.name, buf.slice(0, i)));
				buf = buf.slice(i + 1);
			}
		}
	} catch {
		// aborted at the deadline: return what arrived
	} finally {
		clearTimeout(deadline);
		ctl.abort();
	}
	return out;
}

/** The same streaming request to both; etcd must send `lines` lines, converge the same ones. */
async function sameStream(path: string, body: (s: Side) => string, lines: number): Promise<void> {
	const a = await stream(etcd, path, body(etcd), lines);
	const c = await stream(conv, path, body(conv), lines);
	expect(a, `etcd ${path} ${body(etcd)}`).toHaveLength(lines);
	expect(c, `${path} ${body(conv)}`).toEqual(a);
}

describe('JSON gateway: converge answers like etcd 3.4', () => {
	it('kv: put, range (every option), deleterange, with etcd’s JSON mapping', async () => {
		for (const [k, v] of [['a', '1'], ['b', '2'], ['c', '3'], ['a', '4']]) await same('/v3/kv/put', { key: b64(`g/${k}`), value: b64(v) });
		await same('/v3/kv/put', { key: b64('g/b'), value: b64('22'), prev_kv: true });
		await same('/v3/kv/put', { key: b64('g/c'), value: b64('33'), prevKv: true });
		await same('/v3/kv/range', { key: b64('g/a') });
		await same('/v3/kv/range', { key: b64('g/zz') });
		await same('/v3/kv/range', { key: b64('g/'), range_end: b64('g0') });
		await same('/v3/kv/range', { key: b64('g/'), range_end: b64('g0'), limit: 2 });
		await same('/v3/kv/range', { key: b64('g/'), rangeEnd: b64('g0'), limit: '1', sortOrder: 'DESCEND', sortTarget: 'MOD' });
		await same('/v3/kv/range', { key: b64('g/'), range_end: b64('g0'), sort_order: 2, sort_target: 4, keys_only: true });
		await same('/v3/kv/range', { key: b64('g/'), range_end: b64('g0'), count_only: true });
		await same('/v3/kv/range', { key: 'AA==', range_end: 'AA==', count_only: true });
		await same('/v3/kv/range', { key: b64('g/a'), revision: 2 });
		await same('/v3/kv/range', { key: b64('g/a'), revision: '3', serializable: true, bogus_field: 1 });
		await same('/v3/kv/range', { key: b64('g/'), range_end: b64('g0'), min_mod_revision: 4, max_create_revision: '3' });
		await same('/v3/kv/deleterange', { key: b64('g/a'), prev_kv: true });
		await same('/v3/kv/deleterange', { key: b64('g/nothing') });
	});

	it('kv: txn with compares, nested txns and sub-response headers', async () => {
		const put = (k: string, v: string) => ({ request_put: { key: b64(k), value: b64(v) } });
		await same('/v3/kv/txn', {
			compare: [{ key: b64('g/b'), result: 'EQUAL', target: 'VALUE', value: b64('22') }],
			success: [{ request_range: { key: b64('g/b') } }, put('g/t', '1'), { request_delete_range: { key: b64('g/none') } }],
			failure: [put('g/f', '1')]
		});
		await same('/v3/kv/txn', {
			compare: [{ key: b64('g/missing'), target: 'VERSION', version: 0 }],
			success: [{ request_txn: { success: [put('g/n', '1')] } }, { requestRange: { key: b64('g/n') } }]
		});
		await same('/v3/kv/txn', { compare: [{ key: b64('g/b'), result: 'LESS', target: 'MOD', mod_revision: '1' }], failure: [{ request_range: { key: b64('g/b'), keys_only: true } }] });
		await same('/v3/kv/txn', {});
	});

	it('errors: the gRPC code, etcd’s message and the HTTP status grpc-gateway gives it', async () => {
		await same('/v3/kv/range', { key: '' });
		await same('/v3/kv/range', {});
		await same('/v3/kv/range', { key: b64('g/a'), revision: 999 });
		await same('/v3/kv/put', { key: b64('g/x'), value: b64('v'), lease: 77 });
		await same('/v3/kv/put', { key: b64('g/x'), ignore_value: true });
		await same('/v3/kv/txn', { success: [put2('g/d'), put2('g/d')] });
		await same('/v3/kv/range', { key: 'Zm9v!' });
		await same('/v3/kv/range', { key: 'Zm9vbw' });
		await same('/v3/kv/range', { key: 5 });
		await same('/v3/kv/range', { key: b64('g/a'), keys_only: 'true' });
		await same('/v3/kv/range', { key: b64('g/a'), limit: 2.5 });
		await same('/v3/kv/range', { key: b64('g/a'), sort_order: 'BAD' });
		await same('/v3/kv/txn', { compare: { key: b64('g/a') } });
		await same('/v3/kv/range', '[]');
		for (const body of ['not json', '{"key":"Zm9v",}', '{"key" "Zm9v"}', '{"key":"Zm9v"} trailing', '{"key":', '']) await same('/v3/kv/range', body);
		await same('/v3/kv/nothing', {});
		const get = async (s: Side) => ((r) => ({ status: r.status }))(await fetch(`${s.origin}/v3/kv/range`));
		expect(await get(conv)).toEqual(await get(etcd));
	});

	it('compaction: compacted reads and watches', async () => {
		const cur = (await same('/v3/kv/range', { key: b64('g/b') })) as { body: { header: { revision: string } } };
		const rev = Number(cur.body.header.revision);
		await same('/v3/kv/compaction', { revision: rev - 1 });
		await same('/v3/kv/range', { key: b64('g/b'), revision: rev - 2 });
		await same('/v3/kv/compaction', { revision: rev - 2 });
		await sameStream('/v3/watch', () => JSON.stringify({ create_request: { key: b64('g/b'), start_revision: 2 } }), 2);
	});

	it('watch: newline-delimited results, events from history, prev_kv, filters', async () => {
		const cur = (await same('/v3/kv/put', { key: b64('w/a'), value: b64('1') })) as { body: { header: { revision: string } } };
		const rev = Number(cur.body.header.revision);
		await same('/v3/kv/put', { key: b64('w/a'), value: b64('2') });
		await same('/v3/kv/deleterange', { key: b64('w/a') });
		for (const create of [
			{ key: b64('w/'), range_end: b64('w0'), start_revision: rev, prev_kv: true },
			{ key: b64('w/a'), start_revision: String(rev), filters: ['NOPUT'] },
			{ key: b64('w/a'), start_revision: rev + 1, filters: [1], watch_id: 5 }
		]) {
			await sameStream('/v3/watch', () => JSON.stringify({ create_request: create }), 2);
		}
		const bad = 'not json';
		expect(await call(conv, '/v3/watch', bad)).toEqual(await call(etcd, '/v3/watch', bad));
	});

	it('leases: grant, timetolive, leases, keepalive stream, revoke (both paths)', async () => {
		await same('/v3/lease/grant', { TTL: 60 });
		const id = async (s: Side) => {
			const r = await fetch(`${s.origin}/v3/lease/leases`, { method: 'POST', headers: s === conv ? { authorization: token } : {}, body: '{}' });
			return ((await r.json()) as { leases: Array<{ ID: string }> }).leases[0].ID;
		};
		const [ide, idc] = [await id(etcd), await id(conv)];
		const both = async (path: string, body: (id: string) => unknown) => {
			const [a, c] = [await call(etcd, path, body(ide)), await call(conv, path, body(idc))];
			expect(c, path).toEqual(a);
		};
		await both('/v3/kv/put', (id) => ({ key: b64('l/k'), value: b64('v'), lease: id }));
		await both('/v3/lease/timetolive', (id) => ({ ID: id, keys: true }));
		await both('/v3/kv/lease/timetolive', (id) => ({ ID: id }));
		await same('/v3/lease/leases', {});
		await same('/v3/kv/lease/leases', {});
		// Two requests in one body, two answers, then the stream ends (a third line never comes).
		const ka = (s: Side) => `{"ID":"${s === etcd ? ide : idc}"}\n{"ID":1}`;
		expect(await stream(conv, '/v3/lease/keepalive', ka(conv), 3)).toEqual(await stream(etcd, '/v3/lease/keepalive', ka(etcd), 3));
		await sameStream('/v3/lease/keepalive', ka, 2);
		await both('/v3/lease/revoke', (id) => ({ ID: id }));
		await both('/v3/kv/lease/revoke', (id) => ({ ID: id }));
		await same('/v3/lease/timetolive', { ID: 123 });
		await same('/v3/lease/grant', { TTL: 60, ID: 4242 });
		await same('/v3/lease/grant', { TTL: 60, ID: 4242 });
		await same('/v3/lease/revoke', { ID: '4242' });
	});

	it('maintenance: status has etcd’s fields; alarms', async () => {
		const keys = (r: Reply) => Object.keys(r.body as object).sort();
		const [a, c] = [await call(etcd, '/v3/maintenance/status', {}), await call(conv, '/v3/maintenance/status', {})];
		expect(keys(c)).toEqual(keys(a));
		await same('/v3/maintenance/alarm', {});
		await same('/v3/maintenance/alarm', { action: 'GET' });
	});

	it('auth: authenticate, then etcd’s errors for missing, invalid and read-only tokens', async () => {
		const as = async (auth: string | undefined, path: string, body: unknown) => {
			const r = await fetch(`${conv.origin}${path}`, { method: 'POST', headers: auth ? { authorization: auth } : {}, body: JSON.stringify(body) });
			return { status: r.status, body: await r.json() };
		};
		const error = (code: number, message: string) => ({ error: message, message, code });
		// What etcd 3.4 with auth enabled answers in each case.
		expect(await as(undefined, '/v3/kv/range', { key: b64('g/b') })).toEqual({ status: 400, body: error(3, 'etcdserver: user name is empty') });
		expect(await as('bogus', '/v3/kv/range', { key: b64('g/b') })).toEqual({ status: 401, body: error(16, 'etcdserver: invalid auth token') });
		const bad = await as(undefined, '/v3/auth/authenticate', { name: conv.roomId, password: 'nope' });
		expect(bad).toEqual({ status: 400, body: error(3, 'etcdserver: authentication failed, invalid user ID or password') });
		const viewer = await as(undefined, '/v3/auth/authenticate', { name: conv.roomId, password: conv.tokens.viewer });
		const vt = (viewer.body as { token: string }).token;
		expect((await as(vt, '/v3/kv/range', { key: b64('g/b') })).status).toBe(200);
		expect(await as(vt, '/v3/kv/put', { key: b64('g/b'), value: b64('x') })).toEqual({ status: 403, body: error(7, 'etcdserver: permission denied') });
		expect(await as(`Bearer ${token}`, '/v3/kv/range', { key: b64('g/b') })).toMatchObject({ status: 200 });
		// etcd fills the header of its own cluster; converge has no room to speak for.
		expect(await stream(conv, '/v3/watch', JSON.stringify({ create_request: { key: b64('x') } }), 1, false)).toEqual([
			{ result: { header: {}, watch_id: '-1', created: true, canceled: true, cancel_reason: 'rpc error: code = InvalidArgument desc = etcdserver: user name is empty' } }
		]);
	});
});

function put2(k: string) {
	return { request_put: { key: b64(k), value: b64('v') } };
}
