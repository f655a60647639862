import { describe, expect, it } from 'vitest';
import { useLessonRoom } from './lesson-room';

const room = useLessonRoom('03-scheduler');
const deployment = (name: string, cpu: string, extra = '', replicas = 1) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: default }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
${extra}      containers: [{ name: app, image: nginx:1.27, resources: { requests: { cpu: "${cpu}", memory: 64Mi } } }]
`;
const TOLERATE = '      tolerations: [{ key: dedicated, operator: Equal, value: gpu, effect: NoSchedule }]\n';
const ANTI = '      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: spread } }, topologyKey: kubernetes.io/hostname }] } }\n';


describe('lesson 03: the scheduler filter and score', () => {
	it('step 1: the 6-cpu pod is Pending with NodeResourcesFit in its decision', async () => {
		await room.r.untilPassed();
		const events = await room.r.kubectl(['get', 'events', '--field-selector', 'reason=FailedScheduling', '-o', 'jsonpath={.items[0].message}']);
		expect(events).toContain('0/3 nodes are available');
	});

	it('step 2: 5 cpu still fits nowhere, and the checks say so', async () => {
		await room.r.act({ action: 'next' });
		await room.r.writeFile('app/big.yaml', deployment('big', '5'));
		const c = await room.r.checkUntil('request', (q) => !!q.message?.includes('found 5'));
		expect(c.request.message).toBe('expected spec.template.spec.containers[0].resources.requests.cpu ≤ 4, found 5 (Deployment default/big)');
		expect(c.running).toMatchObject({ passed: false, message: 'expected 1 Pod objects with app=big in default matching, found 0' });
	});

	it('step 2: 3 cpu lands on node-1', async () => {
		await room.r.writeFile('app/big.yaml', deployment('big', '3'));
		await room.r.untilPassed();
	});

	it('step 3: trainer needs a toleration for the GPU node', async () => {
		await room.r.act({ action: 'next' });
		await room.r.step(2);
		const c = await room.r.checks();
		expect(c.tolerates.message).toBe('expected spec.template.spec.tolerations to have an item with key=dedicated, effect=NoSchedule, found nothing (Deployment default/trainer)');
		const decision = JSON.parse(await room.r.kubectl(['get', 'schedulingdecisions', '-o', 'json'])).items.find((d: { pod: { name: string } }) => d.pod.name.startsWith('trainer-'));
		expect(decision.result).toBe('Unschedulable');
		await room.r.writeFile('app/trainer.yaml', deployment('trainer', '500m', '      nodeSelector: { gpu: "true" }\n' + TOLERATE));
		await room.r.untilPassed();
	});

	it('step 4: anti-affinity leaves one spread pod Pending until the GPU node is allowed', async () => {
		await room.r.act({ action: 'next' });
		await room.r.step(5);
		const c = await room.r.checks();
		expect(c['three-nodes'].passed).toBe(false);
		await room.r.writeFile('app/spread.yaml', deployment('spread', '100m', ANTI + TOLERATE, 3));
		await room.r.untilPassed();
	});
});
