/**
 * Differential scenarios: leases (grant, revoke, time-to-live, list, keep-alive stream, keys
 * attached) and request limits. Each scenario revokes what it granted, so lease lists stay small.
 */
import { CompareResult, CompareTarget, type ILeaseKeepAliveResponse } from 'etcd3';
import { b, type Scenario, type Target } from './differential-kit';
import { prefixEnd } from './scenarios-kv';

async function grant(t: Target, ttl: number, id?: number): Promise<string | undefined> {
	const r = await t.rec(`grant ${ttl}`, () => t.client.leaseClient.leaseGrant({ TTL: ttl, ...(id ? { ID: id } : {}) }));
	return r?.ID;
}

/** A keep-alive stream: sends each id, records each response. */
async function keepAlive(t: Target, ids: Array<string | number>): Promise<void> {
	const stream = await t.client.leaseClient.leaseKeepAlive();
	const got: ILeaseKeepAliveResponse[] = [];
	await new Promise<void>((resolve) => {
		const timer = setTimeout(resolve, 5000);
		stream.on('data', (r: ILeaseKeepAliveResponse) => {
			got.push(r);
			if (got.length === ids.length) {
				clearTimeout(timer);
				resolve();
			}
		});
		stream.on('error', () => resolve());
		for (const id of ids) stream.write({ ID: id });
	});
	stream.end();
	t.note('keepalive', got);
}

export const leaseScenarios: Scenario[] = [
	{
		name: 'lease grant and time-to-live with keys',
		async run(t) {
			const id = await grant(t, 30);
			await t.rec('put', () => t.client.kv.put({ key: t.k('a'), value: b('1'), lease: id }));
			await t.rec('put', () => t.client.kv.put({ key: t.k('b'), value: b('1'), lease: id }));
			const ttl = await t.client.leaseClient.leaseTimeToLive({ ID: id, keys: true });
			// Remaining seconds depend on timing; the rest must match.
			t.note('ttl', { ...ttl, TTL: Number(ttl.TTL) > 25 ? 'ok' : ttl.TTL, keys: ttl.keys.map(String).sort() });
			await t.rec('revoke', () => t.client.leaseClient.leaseRevoke({ ID: id }));
		}
	},
	{
		name: 'revoke deletes the attached keys in one revision',
		async run(t) {
			const id = await grant(t, 60);
			for (const k of ['a', 'b', 'c']) await t.rec(`put ${k}`, () => t.client.kv.put({ key: t.k(k), value: b('1'), lease: id }));
			const w = await t.watch();
			w.send({ create_request: { key: t.k(''), range_end: prefixEnd(t.p), prev_kv: true } });
			await w.until((rs) => rs.some((r) => r.created));
			await t.rec('revoke', () => t.client.leaseClient.leaseRevoke({ ID: id }));
			await w.until(() => w.events >= 3);
			t.note('watch', w.responses);
			await t.rec('left', () => t.client.kv.range({ key: t.k(''), range_end: prefixEnd(t.p) }));
			await t.rec('ttl after revoke', () => t.client.leaseClient.leaseTimeToLive({ ID: id }));
		}
	},
	{
		name: 'unknown leases: revoke fails, time-to-live says -1, keep-alive says TTL 0',
		async run(t) {
			await t.rec('revoke', () => t.client.leaseClient.leaseRevoke({ ID: 424242 }));
			await t.rec('ttl', () => t.client.leaseClient.leaseTimeToLive({ ID: 424242, keys: true }));
			await keepAlive(t, [424242]);
		}
	},
	{
		name: 'grant with a chosen id; the same id again already exists',
		async run(t) {
			const id = await grant(t, 30, 0x1234567);
			await grant(t, 30, 0x1234567);
			await t.rec('revoke', () => t.client.leaseClient.leaseRevoke({ ID: id }));
		}
	},
	{
		name: 'grant above the maximum TTL fails',
		async run(t) {
			await grant(t, 9_000_000_001);
		}
	},
	{
		name: 'keep-alive renews to the granted TTL, answering each request in order',
		async run(t) {
			const a = await grant(t, 20);
			const c = await grant(t, 40);
			await keepAlive(t, [a!, c!, a!]);
			for (const id of [a, c]) await t.rec('revoke', () => t.client.leaseClient.leaseRevoke({ ID: id }));
		}
	},
	{
		name: 'leases list contains the granted leases',
		async run(t) {
			const ids = [await grant(t, 30), await grant(t, 30)];
			const list = await t.client.leaseClient.leaseLeases();
			t.note('mine listed', ids.map((id) => list.leases.some((l) => l.ID === id)));
			for (const id of ids) await t.rec('revoke', () => t.client.leaseClient.leaseRevoke({ ID: id }));
			const after = await t.client.leaseClient.leaseLeases();
			t.note('gone', ids.map((id) => after.leases.some((l) => l.ID === id)));
		}
	},
	{
		name: 'put ignore_lease keeps the key’s lease; put without a lease detaches it',
		async run(t) {
			const id = await grant(t, 30);
			await t.rec('put', () => t.client.kv.put({ key: t.k('a'), value: b('1'), lease: id }));
			await t.rec('put', () => t.client.kv.put({ key: t.k('b'), value: b('1'), lease: id }));
			await t.rec('ignore lease', () => t.client.kv.put({ key: t.k('a'), value: b('2'), ignore_lease: true, prev_kv: true }));
			await t.rec('detach', () => t.client.kv.put({ key: t.k('b'), value: b('2') }));
			await t.rec('keys', async () => (await t.client.leaseClient.leaseTimeToLive({ ID: id, keys: true })).keys);
			await t.rec('revoke', () => t.client.leaseClient.leaseRevoke({ ID: id }));
			await t.rec('left', () => t.client.kv.range({ key: t.k('a'), range_end: t.k('c') }));
		}
	},
	{
		name: 'txn compares a key’s lease',
		async run(t) {
			const id = await grant(t, 30);
			await t.rec('put', () => t.client.kv.put({ key: t.k('a'), value: b('1'), lease: id }));
			await t.rec('txn', () =>
				t.client.kv.txn({
					compare: [{ key: t.k('a'), target: CompareTarget.Lease, result: CompareResult.Equal, lease: id }],
					success: [{ request_put: { key: t.k('b'), value: b('1'), lease: id } }]
				})
			);
			await t.rec('revoke', () => t.client.leaseClient.leaseRevoke({ ID: id }));
			await t.rec('left', () => t.client.kv.range({ key: t.k('a'), range_end: t.k('c') }));
		}
	},
	{
		name: 'a request above 1.5 MiB is too large; just below is fine',
		async run(t) {
			await t.rec('too large', () => t.client.kv.put({ key: t.k('big'), value: Buffer.alloc(1.6 * 1024 * 1024, 1) }));
			const ok = await t.client.kv.put({ key: t.k('big'), value: Buffer.alloc(1024 * 1024, 1) });
			t.note('1 MiB', ok.header.revision);
			await t.rec('delete', () => t.client.kv.deleteRange({ key: t.k('big') }));
		}
	}
];
