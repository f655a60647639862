import { describe, expect, it } from 'vitest';
import { useLessonRoom } from './lesson-room';

const room = useLessonRoom('05-services');
const scale = (n: number) => room.r.kubectl(['scale', 'deployment', 'web', `--replicas=${n}`]);


describe('lesson 05: Services, VIPs and kube-proxy', () => {
	it('step 1: both nodes route the ClusterIP to the 2 endpoints', async () => {
		await room.r.untilPassed();
	});

	it('step 2: 4 replicas are not 3: the VIP check counts the endpoints', async () => {
		await room.r.act({ action: 'next' });
		await scale(4);
		const c = await room.r.checkUntil('three', (t) => !!t.message?.includes('found 4'));
		expect(c.three.message).toMatch(/^expected node-2 to route 10\.\d+\.\d+\.\d+:80 \(default\/web:http\) to 3 endpoints, found 4 \(/);
	});

	it('step 2: 3 ready replicas give 3 endpoints', async () => {
		await scale(3);
		await room.r.untilPassed();
	});

	it('step 3: no endpoints: REJECT', async () => {
		await room.r.act({ action: 'next' });
		expect((await room.r.checks()).reject.message).toMatch(/to reject, it does forward$/);
		await scale(0);
		await room.r.untilPassed();
	});

	it('step 4: a NodePort with externalTrafficPolicy Local drops on the node without an endpoint', async () => {
		await room.r.act({ action: 'next' });
		await scale(1);
		await room.r.kubectl(['patch', 'service', 'web', '--type=merge', '-p', '{"spec":{"type":"NodePort","externalTrafficPolicy":"Cluster"}}']);
		await room.r.untilPassed(['node-1-forwards']);
		const c = await room.r.checks();
		expect(c.nodeport.message).toBe('expected spec.externalTrafficPolicy = Local, found Cluster (Service default/web)');
		expect(c['node-2-drops'].message).toMatch(/^expected node-2's NodePort node-2:\d+ \(default\/web:http\) to drop, it does forward$/);
		await room.r.kubectl(['patch', 'service', 'web', '--type=merge', '-p', '{"spec":{"externalTrafficPolicy":"Local"}}']);
		await room.r.untilPassed();
	});
});
