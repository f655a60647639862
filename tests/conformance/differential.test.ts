/**
 * Differential conformance: every scenario runs through the `etcd3` client against real etcd 3.4
 * and against a converge room at the same time; the normalized transcripts (responses, errors,
 * watch responses) must be equal. See differential-kit.ts for what normalization removes.
 */
import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b, clientFor, errorOf, play, type Scenario } from './differential-kit';
import { createEngine } from '../../server/store/engine';
import { startConverge, startEtcd, type Side } from './harness';
import { kvScenarios } from './scenarios-kv';
import { leaseScenarios } from './scenarios-lease';
import { txnScenarios } from './scenarios-txn';
import { watchScenarios } from './scenarios-watch';

interface Pair {
	etcd: Side;
	conv: Side;
	etcdClient: Etcd3;
	convClient: Etcd3;
}

/** `quotaBytes`: room for data above what an empty store already takes on each side. */
async function startPair(opts: { quotaBytes?: number } = {}): Promise<Pair> {
	// An empty etcd db is ~20 KiB and not counted here; converge's empty engine has its own size.
	const convQuota = opts.quotaBytes && createEngine().sizeBytes() + opts.quotaBytes;
	const [etcd, conv] = await Promise.all([startEtcd({ quotaBackendBytes: opts.quotaBytes }), startConverge({ quotaBytes: convQuota })]);
	return { etcd, conv, etcdClient: clientFor(etcd), convClient: clientFor(conv) };
}

async function stopPair(p: Pair | undefined): Promise<void> {
	if (!p) return;
	p.etcdClient.close();
	p.convClient.close();
	await Promise.all([p.etcd.stop(), p.conv.stop()]);
}

/** Plays a scenario on both sides at once; converge's transcript must equal etcd's. */
async function compare(pair: Pair, s: Scenario, index: number): Promise<void> {
	const [want, got] = await Promise.all([play(pair.etcd, pair.etcdClient, s, index), play(pair.conv, pair.convClient, s, index)]);
	expect(want.length, 'the scenario recorded something').toBeGreaterThan(0);
	expect(got).toEqual(want);
}

const scenarios: Scenario[] = [...kvScenarios, ...txnScenarios, ...watchScenarios, ...leaseScenarios];

const leaseExpiry: Scenario = {
	name: 'lease expiry deletes its keys in one revision',
	async run(t) {
		const lease = await t.rec('grant', () => t.client.leaseClient.leaseGrant({ TTL: 5 }));
		for (const k of ['a', 'b']) await t.rec(`put ${k}`, () => t.client.kv.put({ key: t.k(k), value: b('1'), lease: lease?.ID }));
		const w = await t.watch();
		// From the expiry's revision on, so the watch sees it however late it is created.
		w.send({ create_request: { key: t.k(''), range_end: t.k('z'), start_revision: t.rev0 + 3, prev_kv: true } });
		await w.until(() => w.events >= 2, 15_000);
		t.note('watch', w.responses);
		await t.rec('ttl', () => t.client.leaseClient.leaseTimeToLive({ ID: lease?.ID ?? 0 }));
		await t.rec('left', () => t.client.kv.range({ key: t.k(''), range_end: t.k('z') }));
	}
};

describe('differential: etcd3 client, etcd 3.4 vs converge', () => {
	let pair: Pair | undefined;

	beforeAll(async () => {
		pair = await startPair();
		const [a, c] = await Promise.all([pair.etcdClient.kv.range({ key: b([0]), range_end: b([0]) }), pair.convClient.kv.range({ key: b([0]), range_end: b([0]) })]);
		// Scenarios compare whole-keyspace reads too: both stores must start out alike.
		expect({ revision: c.header.revision, count: c.count }).toEqual({ revision: a.header.revision, count: a.count });
	}, 60_000);

	afterAll(() => stopPair(pair));

	it('has at least 60 scenarios', () => {
		expect(scenarios.length + 1).toBeGreaterThanOrEqual(60);
	});

	scenarios.forEach((s, i) => it(s.name, () => compare(pair!, s, i)));

	it(leaseExpiry.name, () => compare(pair!, leaseExpiry, scenarios.length), 30_000);
});

describe('differential: space quota', () => {
	let pair: Pair | undefined;
	const quota = 128 * 1024;

	beforeAll(async () => {
		pair = await startPair({ quotaBytes: quota });
	}, 60_000);

	afterAll(() => stopPair(pair));

	it('writes past the quota fail with "database space exceeded", reads and deletes still work', async () => {
		const fill = async (client: Etcd3) => {
			const value = Buffer.alloc(8 * 1024, 7);
			for (let i = 0; i < 200; i++) {
				try {
					await client.kv.put({ key: b(`fill/${String(i).padStart(3, '0')}`), value });
				} catch (e) {
					return { failedAfterSomePuts: i > 0, ...errorOf(e) };
				}
			}
			return { neverFailed: true };
		};
		const after = async (client: Etcd3) => {
			const out: Record<string, unknown> = {};
			const rec = async (label: string, fn: () => Promise<unknown>) => {
				try {
					out[label] = await fn();
				} catch (e) {
					out[label] = errorOf(e);
				}
			};
			await rec('put', async () => (await client.kv.put({ key: b('more'), value: b('x') })).header.revision !== undefined);
			await rec('txn with a put', () => client.kv.txn({ success: [{ request_put: { key: b('more'), value: b('x') } }] }).then(() => 'ok'));
			await rec('get', async () => (await client.kv.range({ key: b('fill/000') })).count);
			await rec('txn read-only', async () => (await client.kv.txn({ success: [{ request_range: { key: b('fill/000') } }] })).succeeded);
			await rec('delete', async () => (await client.kv.deleteRange({ key: b('fill/000') })).deleted);
			await rec('alarms', async () => (await client.maintenance.alarm({ action: 'Get' as never })).alarms.map((a) => a.alarm));
			await rec('defragment', async () => (await client.maintenance.defragment({})).header);
			await rec('disarm without member', async () => (await client.maintenance.alarm({ action: 'Deactivate' as never, alarm: 'Nospace' as never })).alarms.length);
			// What etcdctl alarm disarm does: deactivate each alarm listed, naming its member.
			await rec('disarm', async () => {
				const { alarms } = await client.maintenance.alarm({ action: 'Get' as never });
				const res = await Promise.all(alarms.map((a) => client.maintenance.alarm({ action: 'Deactivate' as never, memberID: a.memberID, alarm: a.alarm })));
				return res.flatMap((r) => r.alarms.map((a) => a.alarm));
			});
			await rec('alarms after disarm', async () => (await client.maintenance.alarm({ action: 'Get' as never })).alarms.length);
			// Still over the quota: the next put raises the alarm again.
			await rec('put after disarm', async () => (await client.kv.put({ key: b('more'), value: Buffer.alloc(8 * 1024) })).header.revision !== undefined);
			await rec('alarms again', async () => (await client.maintenance.alarm({ action: 'Get' as never })).alarms.map((a) => a.alarm));
			return out;
		};
		const [want, got] = await Promise.all(
			[pair!.etcdClient, pair!.convClient].map(async (client) => ({ fill: await fill(client), after: await after(client) }))
		);
		expect(want.fill).toMatchObject({ failedAfterSomePuts: true });
		expect(got).toEqual(want);
	});
});
