import { describe, expect, it } from 'vitest';
import { useLessonRoom } from './lesson-room';

const room = useLessonRoom('04-node-failure');


describe('lesson 04: node failure and eviction', () => {
	it('step 1: three replicas on three nodes', async () => {
		await room.r.untilPassed();
	});

	it('step 2: cordoning is not failing: the checks name what they found', async () => {
		await room.r.act({ action: 'next' });
		await room.r.kubectl(['cordon', 'node-2']);
		// Real clusters add the node.kubernetes.io/unschedulable taint for a cordoned node (TaintNodesByCondition).
		const c = await room.r.checkUntil('tainted', (t) => !!t.message?.includes('unschedulable'), 6);
		expect(c.unknown.message).toMatch(/^expected a condition with type=Ready, status=Unknown, reason=NodeStatusUnknown, found \[.*type=Ready status=True.*\] \(Node node-2\)$/);
		expect(c.tainted.message).toMatch(/^expected a taint with key=node\.kubernetes\.io\/unreachable, effect=NoExecute, found (nothing|\[key=node\.kubernetes\.io\/unschedulable effect=NoSchedule\]) \(Node node-2\)$/);
		await room.r.kubectl(['uncordon', 'node-2']);
	});

	it('step 2: stopping the kubelet makes node-2 Unknown and tainted after the grace period', async () => {
		await room.r.kubectl(['annotate', 'node', 'node-2', 'sim.converge.dev/kubelet=stopped']);
		await room.r.untilPassed();
	});

	it('step 3: the pod is evicted after 30 s and replaced elsewhere', async () => {
		await room.r.act({ action: 'next' });
		await room.r.untilPassed();
	});

	it('step 4: the kubelet comes back, the taints go, the Terminating pod is removed', async () => {
		await room.r.act({ action: 'next' });
		expect((await room.r.checks()).cleaned.message).toBe('expected 3 Pod objects with app=web in default, found 4');
		await room.r.kubectl(['annotate', 'node', 'node-2', 'sim.converge.dev/kubelet-']);
		await room.r.untilPassed();
	});
});
