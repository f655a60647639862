import { describe, expect, it } from 'vitest';
import { eventually, tableRows } from '../kubectl/harness';
import { type Obj, podYaml, schedulerRoom } from './scheduler-helpers';

const room = schedulerRoom(async (a) => {
	for (const n of ['node-1', 'node-2', 'node-3']) await a.node(n, '2');
});

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: app, image: nginx:1.27, resources: { requests: { cpu: 100m, memory: 64Mi } } }] }
`;

describe('kube-scheduler', () => {
	it("binds a Deployment's pods, one per node, with Scheduled events from default-scheduler", async () => {
		await room.a.apply(deployment);
		let pods: Obj[] = [];
		await eventually(async () => {
			pods = ((await room.a.getJson('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).items as Obj[]).filter((p) => p.spec.nodeName);
			return pods.length === 3;
		}, '3 bound web pods');
		expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set(['node-1', 'node-2', 'node-3']));
		const p = pods[0];
		expect(p.status.conditions.find((c: Obj) => c.type === 'PodScheduled')).toMatchObject({ status: 'True' });
		await eventually(async () => (await room.a.events(p.metadata.name)).some((e) => e.reason === 'Scheduled'), 'Scheduled event');
		const described = await room.k.kubectl(['describe', 'pod', p.metadata.name]);
		expect(described.stdout).toMatch(new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/${p.metadata.name} to ${p.spec.nodeName}\\n`));
	});

	it('leaves a pod too big for every node Pending with the real FitError, then binds it when a node is added', async () => {
		await room.a.apply(podYaml('big', '3'));
		const want = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
		await eventually(async () => (await room.a.pod('big')).status?.conditions?.some((c: Obj) => c.type === 'PodScheduled' && c.status === 'False'), 'PodScheduled=False');
		const cond = (await room.a.pod('big')).status.conditions.find((c: Obj) => c.type === 'PodScheduled');
		expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable', message: want });
		await eventually(async () => (await room.a.events('big')).some((e) => e.reason === 'FailedScheduling'), 'FailedScheduling event');
		const ev = (await room.a.events('big')).find((e) => e.reason === 'FailedScheduling')!;
		expect(ev).toMatchObject({ type: 'Warning', message: want, source: { component: 'default-scheduler' } });
		const described = await room.k.kubectl(['describe', 'pod', 'big']);
		expect(described.stdout).toContain(`Warning  FailedScheduling`);
		expect(described.stdout).toContain(`default-scheduler  ${want}`);

		// After 5 minutes unschedulable the pod is retried; the same failure is counted on the same
		// Event (client-go's EventCorrelator), not written as a second one.
		const clock = (body: unknown) => room.k.api(`/api/rooms/${room.k.roomId}/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		await clock({ action: 'pause' });
		await clock({ action: 'step', seconds: 310 });
		await clock({ action: 'resume' });
		await eventually(async () => (await room.a.events('big')).find((e) => e.reason === 'FailedScheduling')?.count >= 2, 'FailedScheduling counted twice');
		expect((await room.a.events('big')).filter((e) => e.reason === 'FailedScheduling')).toHaveLength(1);

		// A node with room arrives: the NodeAdd event moves the pod back to the queue.
		await room.a.node('node-4', '4');
		expect(await room.a.boundNode('big')).toBe('node-4');
		await room.k.kubectl(['delete', 'pod', 'big', '--force', '--grace-period=0']);
		await room.k.kubectl(['delete', 'node', 'node-4']);
	});

	it('honours taints, tolerations and nodeSelector', async () => {
		await room.k.kubectl(['taint', 'node', 'node-1', 'dedicated=gpu:NoSchedule']);
		const pinned = `  nodeSelector: { kubernetes.io/hostname: node-1 }\n`;
		await room.a.apply(podYaml('intolerant', '100m', pinned));
		const want =
			"0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
		await eventually(async () => (await room.a.events('intolerant')).some((e) => e.reason === 'FailedScheduling'), 'FailedScheduling');
		expect((await room.a.events('intolerant')).find((e) => e.reason === 'FailedScheduling')!.message).toBe(want);
		await room.a.apply(podYaml('tolerant', '100m', pinned + `  tolerations: [{ key: dedicated, operator: Equal, value: gpu, effect: NoSchedule }]\n`));
		expect(await room.a.boundNode('tolerant')).toBe('node-1');
		await room.a.apply(podYaml('anywhere', '100m', `  tolerations: [{ key: dedicated, operator: Exists }]\n`));
		await room.a.boundNode('anywhere');
		await room.k.kubectl(['delete', 'pod', 'intolerant', 'tolerant', 'anywhere', '--force', '--grace-period=0']);
		await room.k.kubectl(['taint', 'node', 'node-1', 'dedicated-']);
	});

	it('preempts a lower-priority pod for a higher-priority one: DisruptionTarget, Preempted event, nomination, binding', async () => {
		await room.a.apply(`apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: high }
value: 1000
`);
		const pinned = `  nodeSelector: { kubernetes.io/hostname: node-2 }\n`;
		await room.a.apply(podYaml('low', '1500m', pinned));
		expect(await room.a.boundNode('low')).toBe('node-2');
		const low = await room.a.pod('low');
		// The victim may go fast (a simulated kubelet finishes its graceful deletion): watch it.
		const watch = room.k.spawnKubectl(['get', 'pod', 'low', '--watch', '--output-watch-events', '-o', 'json']);
		await eventually(async () => watch.output().includes('"ADDED"'), 'watch started');
		await room.a.apply(podYaml('high', '1500m', pinned + '  priorityClassName: high\n'));
		const high = await room.a.pod('high');
		await eventually(async () => (await room.a.events('low')).some((e) => e.reason === 'Preempted'), 'Preempted event');
		expect((await room.a.events('low')).find((e) => e.reason === 'Preempted')!.message).toBe(`Preempted by pod ${high.metadata.uid} on node node-2`);
		await eventually(async () => watch.output().includes('PreemptionByScheduler'), 'DisruptionTarget condition');
		await watch.kill();
		const seen = watch
			.output()
			.split(/\n(?=\{)/)
			.map((t) => JSON.parse(t))
			.map((e) => e.object);
		const victim = seen.find((o: Obj) => o.status.conditions?.some((c: Obj) => c.type === 'DisruptionTarget'))!;
		expect(victim.status.conditions.find((c: Obj) => c.type === 'DisruptionTarget')).toMatchObject({
			status: 'True',
			reason: 'PreemptionByScheduler',
			message: 'default-scheduler: preempting to accommodate a higher priority pod'
		});
		expect(seen.some((o: Obj) => o.metadata.deletionTimestamp)).toBe(true);
		await eventually(async () => (await room.a.pod('high')).status?.nominatedNodeName === 'node-2', 'nominatedNodeName');
		// PostFilter succeeded: the attempt's message has no "preemption:" part.
		expect((await room.a.events('high')).find((e) => e.reason === 'FailedScheduling')!.message).toBe(
			"0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector."
		);
		// Without a kubelet finishing the victim's graceful deletion, do it like one would.
		await room.a.forceDelete('low');
		expect(await room.a.boundNode('high')).toBe('node-2');
		expect(low.metadata.uid).not.toBe(high.metadata.uid);
		await room.a.forceDelete('high');
	});

	it('lists decision records with kubectl: POD, RESULT, NODE, AGE, per node verdicts and per plugin scores', async () => {
		const web = ((await room.a.getJson('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).items as Obj[])[0];
		await eventually(async () => (await room.k.kubectl(['get', 'schedulingdecisions'])).stdout.includes(web.metadata.name), 'records');
		const rows = tableRows((await room.k.kubectl(['get', 'schedulingdecisions'])).stdout);
		expect(rows[0]).toEqual(['NAME', 'POD', 'RESULT', 'NODE', 'AGE']);
		expect(rows.find((r) => r[0] === web.metadata.name)?.slice(1, 4)).toEqual([web.metadata.name, 'Scheduled', web.spec.nodeName]);
		const rec = JSON.parse((await room.k.kubectl(['get', 'schedulingdecision', web.metadata.name, '-o', 'json'])).stdout) as Obj;
		expect(rec.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Pod', name: web.metadata.name, uid: web.metadata.uid }]);
		expect(rec.nodes).toMatchObject({ total: 3, complete: true });
		expect(rec.filter.verdicts).toHaveLength(3);
		expect(rec.winner).toBe(web.spec.nodeName);
		// The last web pod had all three nodes feasible, so it was scored.
		const last = JSON.parse((await room.k.kubectl(['get', 'schedulingdecisions', '-o', 'json'])).stdout).items.find((r: Obj) => r.pod.name.startsWith('web-') && r.score) as Obj;
		expect(last.score.plugins).toContainEqual({ name: 'TaintToleration', weight: 3 });
		const row = last.score.rows.find((r: Obj) => r.node === last.winner);
		const fit = row.plugins.NodeResourcesFit;
		expect(fit.weighted).toBe(fit.normalized * 1);
		expect(row.plugins.TaintToleration.weighted).toBe(row.plugins.TaintToleration.normalized * 3);
		expect(row.total).toBe(Object.values(row.plugins as Record<string, Obj>).reduce((s, c) => s + c.weighted, 0));
		expect(Math.max(...last.score.rows.map((r: Obj) => r.total))).toBe(row.total);
	});
});
