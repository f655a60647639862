import { describe, expect, it } from 'vitest';
import { useLessonRoom } from './lesson-room';

const room = useLessonRoom('01-declarative-api');
const WEB = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default, labels: { app: web } }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: nginx, image: nginx:1.27, resources: { requests: { cpu: 100m, memory: 64Mi } } }]
`;


describe('lesson 01: the declarative API and reconciliation', () => {
	it('starts with its files in the room and the first step', async () => {
		const s = await room.r.state();
		expect(s.lesson).toMatchObject({ id: '01-declarative-api', source: 'shipped' });
		expect(s.step).toBe(0);
		expect(s.markdown).toContain('declarative');
		expect(s.available.map((l) => l.id)).toContain('01-declarative-api');
		expect((await room.r.k.api(`/api/rooms/${room.r.k.roomId}/files?path=app/web.yaml`)).status).toBe(200);
	});

	it('step 1: a wrong replica count fails the declared check with what it found', async () => {
		await room.r.writeFile('app/web.yaml', WEB(2));
		const c = await room.r.checkUntil('declared', (d) => !!d.message?.includes('found 2'));
		expect(c.declared).toMatchObject({ passed: false, message: 'expected spec.replicas = 3, found 2 (Deployment default/web)' });
	});

	it('step 1: three declared replicas pass', async () => {
		await room.r.writeFile('app/web.yaml', WEB(3));
		const c = await room.r.untilPassed();
		expect(c.declared.passed && c.ready.passed).toBe(true);
		expect((await room.r.state()).completed).toEqual(['declare']);
	});

	it('step 2: deleting a pod is healed', async () => {
		expect((await room.r.act({ action: 'next' })).body.step).toBe(1);
		const before = await room.r.checks();
		expect(before.replaced.passed, before.replaced.message).toBe(false);
		expect(before.replaced.message).toMatch(/^expected ≥ 4 Event objects in default matching, found [0-3]$/);
		const pod = (await room.r.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'name'])).split('\n')[0];
		await room.r.kubectl(['delete', pod, '--wait=false']);
		await room.r.untilPassed();
	});

	it('step 3: kubectl create makes the cache Deployment', async () => {
		await room.r.act({ action: 'step', step: 'imperative' });
		expect((await room.r.checks())['created-by-kubectl']).toMatchObject({ passed: false, message: 'Deployment default/cache not found' });
		await room.r.kubectl(['create', 'deployment', 'cache', '--image=redis:7', '--replicas=2']);
		await room.r.untilPassed();
	});

	it('step 4: kubectl scale drifts web from its file', async () => {
		await room.r.act({ action: 'next' });
		expect((await room.r.checks()).scaled.message).toBe('expected spec.replicas = 1, found 3 (Deployment default/web)');
		await room.r.kubectl(['scale', 'deployment', 'web', '--replicas=1']);
		await room.r.untilPassed();
		expect((await room.r.state()).completed).toEqual(['declare', 'reconcile', 'imperative', 'drift']);
	});
});
