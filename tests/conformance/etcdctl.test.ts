/**
 * Debian's etcdctl 3.4 against real etcd 3.4 and against a converge room: the same commands, in
 * the same order, must print the same thing — apart from ids (cluster, member, lease), timings
 * (a lease's remaining seconds) and what only describes the server (version, db size).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETCDCTL_BIN, run, runUntil, startConverge, startEtcd, type ConvergeSide, type RunResult, type Side } from './harness';

let etcd: Side;
let conv: ConvergeSide;

beforeAll(async () => {
	[etcd, conv] = await Promise.all([startEtcd(), startConverge()]);
}, 60_000);

afterAll(async () => {
	await Promise.all([etcd?.stop(), conv?.stop()]);
});

/** Per side: the lease ids it handed out (normalized to <lease1>, <lease2>… by order). */
const leases = new Map<string, string[]>();

/** `user` null = no credentials. */
function baseArgs(s: Side, user: Side['user'] | null = s.user): string[] {
	const out = ['--endpoints', s.endpoint, '--dial-timeout=5s'];
	if (user) out.push('--user', `${user.name}:${user.password}`);
	return out;
}

const ENV = { ETCDCTL_API: '3' };

/** stdout with ids replaced, plus the `Error:` lines of stderr (the rest is client logging). */
function normalize(s: Side, r: RunResult): { stdout: string; errors: string[]; ok: boolean } {
	let out = r.stdout
		.replace(/"(cluster_id|member_id|leader)":\d+/g, '"$1":<id>')
		.replace(/^"(ClusterID|MemberID)" : \d+$/gm, '"$1" : <id>')
		.replace(/remaining\((\d+)s\)/g, (_m, n: string) => `remaining(${Number(n) > 50 ? 'ok' : n}s)`);
	(leases.get(s.name) ?? []).forEach((hex, i) => {
		out = out.replaceAll(hex, `<lease${i + 1}>`).replaceAll(BigInt(`0x${hex}`).toString(), `<lease${i + 1}>`);
	});
	const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error:'));
	return { stdout: out, errors, ok: r.code === 0 };
}

async function ctl(s: Side, args: string[], input?: string) {
	return normalize(s, await run(ETCDCTL_BIN, [...baseArgs(s), ...args], { input, env: ENV }));
}

/** Runs a command on both sides (args may depend on the side) and expects the same output. */
async function same(args: (s: Side) => string[], input?: string) {
	const [a, b] = await Promise.all([ctl(etcd, args(etcd), input), ctl(conv, args(conv), input)]);
	expect(b, `etcdctl ${args(conv).join(' ')}`).toEqual(a);
	return a;
}

const lease = (s: Side, i = 0) => leases.get(s.name)![i];

async function currentRevision(s: Side): Promise<number> {
	const r = await run(ETCDCTL_BIN, [...baseArgs(s), 'get', 'nothing', '-w', 'json'], { env: ENV });
	return JSON.parse(r.stdout).header.revision;
}

describe('etcdctl 3.4: converge prints what etcd prints', () => {
	it('put and get: --prefix, --from-key, --rev, --limit, --keys-only, sorting, -w json/fields', async () => {
		for (const kv of [['foo', 'bar'], ['foo/a', '1'], ['foo/b', '2'], ['foo/c', '3'], ['zoo', '9'], ['foo', 'baz']]) await same(() => ['put', ...kv]);
		await same(() => ['put', 'foo/a', '11', '--prev-kv']);
		await same(() => ['get', 'foo']);
		await same(() => ['get', 'missing']);
		await same(() => ['get', 'foo', '--prefix']);
		await same(() => ['get', 'foo/b', '--from-key']);
		await same(() => ['get', '', '--from-key', '--keys-only']);
		await same(() => ['get', 'foo', 'foo/c']);
		await same(() => ['get', 'foo', '--rev', '2']);
		await same(() => ['get', 'foo', '--prefix', '--rev', '3']);
		await same(() => ['get', 'foo', '--prefix', '--limit', '2']);
		await same(() => ['get', 'foo', '--prefix', '--limit', '2', '-w', 'json']);
		await same(() => ['get', 'foo', '--prefix', '--keys-only']);
		await same(() => ['get', 'foo', '--prefix', '--print-value-only']);
		await same(() => ['get', 'foo', '--prefix', '-w', 'json']);
		await same(() => ['get', 'foo', '-w', 'fields']);
		await same(() => ['get', 'foo', '--prefix', '--sort-by=MODIFY', '--order=DESCEND']);
		await same(() => ['get', 'foo', '--prefix', '--sort-by=VALUE', '--order=ASCEND', '-w', 'json']);
		await same(() => ['get', 'foo', '--prefix', '--sort-by=VERSION', '--order=DESCEND', '--limit=1']);
		await same(() => ['get', 'foo', '--rev', '99']);
	});

	it('del: one key, --prev-kv, --prefix, --from-key, missing', async () => {
		await same(() => ['del', 'foo/a', '--prev-kv']);
		await same(() => ['del', 'foo/a']);
		await same(() => ['del', 'foo/', '--prefix', '--prev-kv', '-w', 'json']);
		await same(() => ['put', 'zz1', 'a']);
		await same(() => ['del', 'zoo', '--from-key']);
		await same(() => ['get', '', '--from-key']);
	});

	it('txn with interactive input: success, failure, -w json', async () => {
		const txn = (cmp: string, ok: string, fail: string) => `${cmp}\n\n${ok}\n\n${fail}\n\n`;
		await same(() => ['txn', '-i'], txn('value("foo") = "baz"', 'put foo qux\nget foo', 'put foo nope'));
		await same(() => ['txn', '-i'], txn('value("foo") = "baz"', 'put foo qux', 'get foo\nput foo other'));
		await same(() => ['txn', '-i'], txn('version("nokey") = "0"\ncreate("foo") > "0"', 'put nokey made\ndel foo', ''));
		await same(() => ['txn', '-i', '-w', 'json'], txn('mod("nokey") < "1000"', 'get nokey\nput t1 v', 'get foo'));
		await same(() => ['txn', '-w', 'json'], txn('value("t1") != "v"', 'put t2 v', 'del t1 --prev-kv\nget t1'));
	});

	it('watch: --rev, --prefix, --prev-kv, a live event', async () => {
		const start = await currentRevision(etcd);
		expect(await currentRevision(conv)).toBe(start);
		for (const args of [['put', 'w/a', '1'], ['put', 'w/b', '2'], ['put', 'w/a', '3'], ['del', 'w/', '--prefix'], ['put', 'wx', 'no']]) await same(() => args);
		// Simple output prints PUT/DELETE lines; -w json one object per response, "kv" per event.
		const events = (out: string) => out.split('\n').filter((l) => l === 'PUT' || l === 'DELETE').length + (out.match(/"kv":/g)?.length ?? 0);
		const watch = async (s: Side, args: string[], want: number) =>
			normalize(s, await runUntil(ETCDCTL_BIN, [...baseArgs(s), 'watch', ...args], (o) => events(o) >= want, { env: ENV }));
		for (const [args, want] of [
			[['w/', '--prefix', '--rev', String(start + 1)], 5],
			[['w/', '--prefix', '--rev', String(start + 1), '--prev-kv'], 5],
			[['w/a', '--rev', String(start + 2), '--prev-kv'], 2],
			[['w/b', 'w/c', '--rev', String(start + 1), '-w', 'json'], 2]
		] as Array<[string[], number]>) {
			const [a, b] = await Promise.all([watch(etcd, args, want), watch(conv, args, want)]);
			expect(events(a.stdout), `watch ${args.join(' ')} on etcd`).toBe(want);
			expect(b.stdout, `watch ${args.join(' ')}`).toEqual(a.stdout);
		}
		// Live: the watch starts at the next revision, so the put is seen however the start races.
		const next = String((await currentRevision(etcd)) + 1);
		const live = async (s: Side) => {
			const w = watch(s, ['live', '--rev', next], 1);
			await run(ETCDCTL_BIN, [...baseArgs(s), 'put', 'live', 'now'], { env: ENV });
			return w;
		};
		const [a, b] = await Promise.all([live(etcd), live(conv)]);
		expect(a.stdout).toBe('PUT\nlive\nnow\n');
		expect(b.stdout).toEqual(a.stdout);
	});

	it('lease: grant, put --lease, keep-alive --once, timetolive --keys, list, revoke', async () => {
		for (const s of [etcd, conv]) {
			const r = await run(ETCDCTL_BIN, [...baseArgs(s), 'lease', 'grant', '60'], { env: ENV });
			const id = /^lease ([0-9a-f]+) granted with TTL\(60s\)$/m.exec(r.stdout)?.[1];
			expect(id, `${s.name}: ${r.stdout}${r.stderr}`).toBeDefined();
			leases.set(s.name, [id!]);
		}
		await same((s) => ['put', 'lk', 'lv', `--lease=${lease(s)}`]);
		await same(() => ['get', 'lk', '-w', 'json']);
		await same((s) => ['lease', 'keep-alive', '--once', lease(s)]);
		await same((s) => ['lease', 'timetolive', lease(s), '--keys']);
		await same((s) => ['lease', 'timetolive', lease(s)]);
		await same(() => ['lease', 'list']);
		await same((s) => ['lease', 'revoke', lease(s)]);
		await same((s) => ['lease', 'timetolive', lease(s)]);
		await same((s) => ['lease', 'revoke', lease(s)]);
		await same(() => ['get', 'lk']);
		await same(() => ['lease', 'list']);
	});

	it('compaction: reads at and below the compacted revision', async () => {
		const rev = await currentRevision(etcd);
		expect(await currentRevision(conv)).toBe(rev);
		await same(() => ['compaction', String(rev - 2)]);
		await same(() => ['get', 'foo', '--rev', String(rev - 2)]);
		await same(() => ['get', 'foo', '--rev', String(rev - 3)]);
		await same(() => ['compaction', String(rev - 3)]);
		await same(() => ['compaction', '--physical', String(rev)]);
		const w = async (s: Side) => normalize(s, await runUntil(ETCDCTL_BIN, [...baseArgs(s), 'watch', 'foo', '--rev', '2'], () => false, { env: ENV, timeoutMs: 1500 }));
		const [a, b] = await Promise.all([w(etcd), w(conv)]);
		expect(b.stdout).toEqual(a.stdout);
	});

	it('endpoint status: same shape, converge leads its own one-member cluster', async () => {
		const shape = (v: unknown): unknown =>
			Array.isArray(v) ? v.map(shape) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)])) : typeof v;
		const [a, b] = await Promise.all([run(ETCDCTL_BIN, [...baseArgs(etcd), 'endpoint', 'status', '-w', 'json'], { env: ENV }), run(ETCDCTL_BIN, [...baseArgs(conv), 'endpoint', 'status', '-w', 'json'], { env: ENV })]);
		expect(shape(JSON.parse(b.stdout))).toEqual(shape(JSON.parse(a.stdout)));
		const status = JSON.parse(b.stdout)[0].Status;
		expect(status.leader).toBe(status.header.member_id);
		expect(status.raftTerm).toBe(2);
		expect(status.header.revision).toBe(await currentRevision(conv));
		const table = (r: RunResult) => r.stdout.trim().split(', ');
		const [ta, tb] = await Promise.all([run(ETCDCTL_BIN, [...baseArgs(etcd), 'endpoint', 'status'], { env: ENV }), run(ETCDCTL_BIN, [...baseArgs(conv), 'endpoint', 'status'], { env: ENV })]);
		expect(table(tb).length).toBe(table(ta).length);
		// is leader, is learner, raft term
		expect(table(tb).slice(4, 7)).toEqual(table(ta).slice(4, 7));
	});

	it('room auth: the viewer token reads but cannot write; bad credentials are refused like etcd', async () => {
		const viewer = { name: conv.roomId, password: conv.tokens.viewer };
		const as = async (user: Side['user'] | null, args: string[]) => normalize(conv, await run(ETCDCTL_BIN, [...baseArgs(conv, user), ...args], { env: ENV }));
		expect(await as(viewer, ['get', 'foo'])).toEqual(await ctl(etcd, ['get', 'foo']));
		for (const args of [['put', 'foo', 'x'], ['del', 'foo'], ['lease', 'grant', '10'], ['compaction', '1'], ['txn']]) {
			const input = args[0] === 'txn' ? '\nput foo x\n\n\n' : undefined;
			const r = normalize(conv, await run(ETCDCTL_BIN, [...baseArgs(conv, viewer), ...args], { env: ENV, input }));
			// etcdctl words some failures itself ("failed to grant lease (...)"); the server's part is etcd's.
			expect(r.stdout, args.join(' ')).toBe('');
			expect(r.ok).toBe(false);
			expect(r.errors.join('\n')).toMatch(/^Error: (.*\()?etcdserver: permission denied\)?$/);
		}
		expect(await as({ name: conv.roomId, password: 'wrong' }, ['get', 'foo'])).toEqual({
			stdout: '',
			errors: ['Error: etcdserver: authentication failed, invalid user ID or password'],
			ok: false
		});
		expect(await as(null, ['get', 'foo'])).toEqual({ stdout: '', errors: ['Error: etcdserver: user name is empty'], ok: false });
	});
});
