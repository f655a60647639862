import { describe, expect, test } from 'vitest';
import type { KubeObject } from '$lib/controllers/types';
import { eventRows, eventsFor } from './events-model';

const NOW = Date.parse('2026-11-25T10:10:00Z');
const ev = (name: string, type: string, reason: string, kind: string, obj: string, message: string, last: string, count = 1, uid?: string): KubeObject => ({
	metadata: { name, namespace: 'default' },
	involvedObject: { kind, name: obj, namespace: kind === 'Node' ? undefined : 'default', uid },
	type,
	reason,
	message,
	count,
	firstTimestamp: '2026-11-25T10:00:00Z',
	lastTimestamp: last,
	source: { component: 'kubelet', host: 'node-1' }
});

const events = [
	ev('a', 'Normal', 'Scheduled', 'Pod', 'web-1', 'Successfully assigned default/web-1 to node-1', '2026-11-25T10:00:00Z', 1, 'u1'),
	ev('b', 'Warning', 'FailedScheduling', 'Pod', 'big', '0/3 nodes are available: 3 Insufficient cpu.', '2026-11-25T10:09:30Z', 4),
	ev('c', 'Normal', 'NodeNotReady', 'Node', 'node-2', 'Node node-2 status is now: NodeNotReady', '2026-11-25T10:05:00Z')
];

describe('eventRows', () => {
	test('newest first, with kubectl get events cells on the given clock', () => {
		expect(eventRows(events, NOW).map((r) => [r.lastSeen, r.type, r.reason, r.object, r.count, r.firstSeen])).toEqual([
			['30s', 'Warning', 'FailedScheduling', 'pod/big', 4, '10m'],
			['5m', 'Normal', 'NodeNotReady', 'node/node-2', 1, '10m'],
			['10m', 'Normal', 'Scheduled', 'pod/web-1', 1, '10m']
		]);
	});

	test.each([
		{ name: 'by type', f: { type: 'Warning' as const }, want: ['b'] },
		{ name: 'by object', f: { object: 'node/' }, want: ['c'] },
		{ name: 'by message text', f: { text: 'insufficient' }, want: ['b'] },
		{ name: 'by reason text', f: { text: 'scheduled' }, want: ['a'] }
	])('filters $name', ({ f, want }) => expect(eventRows(events, NOW, f).map((r) => r.key.split('/')[1])).toEqual(want));

	test('eventsFor matches by uid, else by kind and name', () => {
		const pod = { metadata: { name: 'web-1', namespace: 'default', uid: 'u1' } };
		const node = { metadata: { name: 'node-2' } };
		expect(eventsFor(events, pod, 'Pod').map((e) => e.metadata.name)).toEqual(['a']);
		expect(eventsFor(events, node, 'Node').map((e) => e.metadata.name)).toEqual(['c']);
	});
});
