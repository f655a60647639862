import { describe, expect, it } from 'vitest';
import { node, slice, svc } from '../proxy/fixtures';
import { utf8 } from '../store/bytes';
import { createWasmEngine } from '../store/wasm-engine-node';
import { Replica } from './replica';
import { nodeRulesDiff, tablesAt } from './rules-diff';
import { encodeReplicaSnapshot } from './snapshot';

/** A replica of a room where Service web gains a port (revision 5) and node-b joins (revision 6). */
function room(): Replica {
	const e = createWasmEngine();
	const put = (k: string, o: unknown) => e.put({ key: utf8(k), value: utf8(JSON.stringify(o)) });
	put('/registry/minions/node-a', node('node-a', '172.18.0.3')); // 2
	put('/registry/services/specs/default/web', svc('default', 'web', { clusterIP: '10.96.45.10', ports: [{ name: 'http', port: 80 }] })); // 3
	put('/registry/endpointslices/default/web-a', slice('default', 'web', 'a', [{ ip: '10.244.1.5', node: 'node-a' }], [{ name: 'http', port: 8080 }])); // 4
	put('/registry/services/specs/default/web', svc('default', 'web', { clusterIP: '10.96.45.10', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] })); // 5
	put('/registry/minions/node-b', node('node-b', '172.18.0.4')); // 6
	const replica = new Replica(createWasmEngine());
	replica.load(encodeReplicaSnapshot({ revision: e.revision, compactRevision: 0, times: [], engine: e.snapshot() }));
	return replica;
}

describe('rules diff across revisions', () => {
	it('shows what a Service change did to a node’s rendered rules', () => {
		const replica = room();
		const before = tablesAt(replica, 4);
		const now = tablesAt(replica, 0);
		const diff = nodeRulesDiff(before, now, 'node-a', 'iptables');
		expect(diff.length).toBeGreaterThan(0);
		expect(diff.every((l) => l.op === '+')).toBe(true);
		expect(diff.some((l) => l.text.includes('10.96.45.10/32') && l.text.includes('--dport 443'))).toBe(true);
		// Other renderings see the same change.
		expect(nodeRulesDiff(before, now, 'node-a', 'ipvs').map((l) => l.op + l.text)).toContainEqual(expect.stringMatching(/^\+TCP\s+10\.96\.45\.10:443/));
		// node-b joining (revision 6) leaves node-a's rules as they were.
		expect(nodeRulesDiff(tablesAt(replica, 5), now, 'node-a', 'iptables')).toEqual([]);
	});

	it('reads the cluster as it was: a node that did not exist yet has no rules', () => {
		const replica = room();
		expect(tablesAt(replica, 5).nodeNames()).toEqual(['node-a']);
		const joined = nodeRulesDiff(tablesAt(replica, 5), tablesAt(replica, 6), 'node-b', 'nft');
		expect(joined.length).toBeGreaterThan(0);
		expect(joined.every((l) => l.op === '+')).toBe(true);
	});
});
