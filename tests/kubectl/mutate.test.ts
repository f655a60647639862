/**
 * kubectl's write commands against a room: edit (EDITOR set to a script), the three patch types,
 * label, annotate, scale, the create generators (sent as protobuf), expose, run, server-side
 * dry-run diff, cordon/uncordon and taint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFESTS, startKubeRoomWithManifests, tableRows, type KubeRoom } from './harness';

let room: KubeRoom;
const jsonpath = async (args: string[], path: string) => (await room.kubectl([...args, '-o', `jsonpath=${path}`])).stdout;

beforeAll(async () => {
	room = await startKubeRoomWithManifests();
});
afterAll(async () => {
	await room?.stop();
});

describe('kubectl writes', () => {
	it('edits with $EDITOR (a sed script) and bumps the generation', async () => {
		const editor = join(room.dir, 'editor.sh');
		await writeFile(editor, "#!/bin/sh\nsed -i 's/replicas: 2/replicas: 4/' \"$1\"\n");
		await chmod(editor, 0o755);
		const r = await room.kubectl(['edit', 'deployment', 'web', '-n', 'shop'], { env: { EDITOR: editor } });
		expect(r.stdout.trim()).toBe('deployment.apps/web edited');
		expect(await jsonpath(['get', 'deploy', 'web', '-n', 'shop'], '{.spec.replicas} {.metadata.generation}')).toBe('4 2');
	});

	it('patches with merge, JSON and strategic merge patches', async () => {
		const d = ['deploy', 'web', '-n', 'shop'];
		expect((await room.kubectl(['patch', ...d, '--type=merge', '-p', '{"spec":{"replicas":5}}'])).stdout.trim()).toBe('deployment.apps/web patched');
		expect((await room.kubectl(['patch', ...d, '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":6}]'])).stdout.trim()).toBe('deployment.apps/web patched');
		const smp = await room.kubectl(['patch', ...d, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}']);
		expect(smp.stdout.trim()).toBe('deployment.apps/web patched');
		// The strategic merge kept the container's env and ports (merged by name).
		expect(await jsonpath(['get', ...d], '{.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[0].name} {.metadata.generation}')).toBe(
			'6 nginx:1.28 MODE 5'
		);
		const same = await room.kubectl(['patch', ...d, '-p', '{"spec":{"replicas":6}}']);
		expect(same.stdout.trim()).toBe('deployment.apps/web patched (no change)');
	});

	it('reports patch errors like kube-apiserver', async () => {
		const d = ['deploy', 'web', '-n', 'shop'];
		const bad = await room.kubectl(['patch', ...d, '--type=json', '-p', '[{"op":"remove","path":"/spec/nope"}]']);
		expect(bad.code).toBe(1);
		expect(bad.stderr.trim()).toBe('The request is invalid: the server rejected our request due to an error in our request');
		const invalid = await room.kubectl(['patch', ...d, '-p', '{"spec":{"replicas":-1}}']);
		expect(invalid.stderr.trim()).toBe('The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
		// kubectl patch sends no fieldValidation: the server's default (Warn) drops the field with a warning.
		const unknown = await room.kubectl(['patch', ...d, '--type=merge', '-p', '{"spec":{"foo":1}}']);
		expect(unknown.code).toBe(0);
		expect(unknown.stderr.trim()).toBe('Warning: unknown field "spec.foo"');
		expect(unknown.stdout.trim()).toBe('deployment.apps/web patched (no change)');
	});

	it('labels, annotates and scales', async () => {
		expect((await room.kubectl(['label', 'deploy', 'web', '-n', 'shop', 'tier=frontend'])).stdout.trim()).toBe('deployment.apps/web labeled');
		expect((await room.kubectl(['annotate', 'deploy', 'web', '-n', 'shop', 'note=hello'])).stdout.trim()).toBe('deployment.apps/web annotated');
		expect((await room.kubectl(['scale', 'deploy', 'web', '-n', 'shop', '--replicas=3'])).stdout.trim()).toBe('deployment.apps/web scaled');
		expect(await jsonpath(['get', 'deploy', 'web', '-n', 'shop'], '{.metadata.labels.tier} {.metadata.annotations.note} {.spec.replicas}')).toBe('frontend hello 3');
	});

	it('refuses a replace of a stale object with 409 Conflict', async () => {
		const stale = (await room.kubectl(['get', 'cm', 'web-config', '-n', 'shop', '-o', 'json'])).stdout;
		await room.kubectl(['label', 'cm', 'web-config', '-n', 'shop', 'changed=yes']);
		const file = join(room.dir, 'stale.json');
		await writeFile(file, stale);
		const r = await room.kubectl(['replace', '-f', file]);
		expect(r.code).toBe(1);
		expect(r.stderr.trim()).toBe(
			'Error from server (Conflict): error when replacing "' +
				file +
				'": Operation cannot be fulfilled on configmaps "web-config": the object has been modified; please apply your changes to the latest version and try again'
		);
	});

	it('creates with the generators (protobuf bodies)', async () => {
		const cases: Array<[string[], string]> = [
			[['create', 'deployment', 'api', '-n', 'shop', '--image=nginx:1.27', '--replicas=0', '--port=8080'], 'deployment.apps/api created'],
			[['create', 'service', 'clusterip', 'api', '-n', 'shop', '--tcp=80:8080'], 'service/api created'],
			[['create', 'configmap', 'settings', '-n', 'shop', '--from-literal=mode=fast', '--from-literal=size=2'], 'configmap/settings created'],
			[['create', 'secret', 'generic', 'token', '-n', 'shop', '--from-literal=token=abc'], 'secret/token created'],
			[['create', 'job', 'once', '-n', 'shop', '--image=busybox', '--', 'echo', 'hi'], 'job.batch/once created'],
			[['create', 'cronjob', 'tick', '-n', 'shop', '--image=busybox', '--schedule=*/5 * * * *'], 'cronjob.batch/tick created'],
			[['create', 'namespace', 'other'], 'namespace/other created']
		];
		for (const [args, want] of cases) {
			const r = await room.kubectl(args);
			expect(r.stderr, args.join(' ')).toBe('');
			expect(r.stdout.trim()).toBe(want);
		}
		expect(await jsonpath(['get', 'deploy', 'api', '-n', 'shop'], '{.spec.replicas} {.spec.template.spec.containers[0].ports[0].containerPort}')).toBe('0 8080');
		expect(await jsonpath(['get', 'secret', 'token', '-n', 'shop'], '{.data.token}')).toBe(Buffer.from('abc').toString('base64'));
		expect(tableRows((await room.kubectl(['get', 'cm', 'settings', '-n', 'shop'])).stdout)[1].slice(0, 2)).toEqual(['settings', '2']);
		const dup = await room.kubectl(['create', 'configmap', 'settings', '-n', 'shop']);
		expect(dup.code).toBe(1);
		expect(dup.stderr.trim()).toBe('error: failed to create configmap: configmaps "settings" already exists');
		const nons = await room.kubectl(['create', 'configmap', 'x', '-n', 'missing']);
		expect(nons.stderr.trim()).toBe('error: failed to create configmap: namespaces "missing" not found');
	});

	it('exposes a deployment and runs a pod', async () => {
		expect((await room.kubectl(['expose', 'deployment', 'web', '-n', 'shop', '--port=8080', '--target-port=80', '--name=web-ext'])).stdout.trim()).toBe('service/web-ext exposed');
		expect(await jsonpath(['get', 'svc', 'web-ext', '-n', 'shop'], '{.spec.selector.app} {.spec.ports[0].port} {.spec.ports[0].targetPort}')).toBe('web 8080 80');
		expect((await room.kubectl(['run', 'shell', '-n', 'shop', '--image=busybox', '--labels=app=shell'])).stdout.trim()).toBe('pod/shell created');
		const pods = tableRows((await room.kubectl(['get', 'pods', '-n', 'shop', '-o', 'wide'])).stdout);
		expect(pods[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
		expect(pods[1]).toEqual(['shell', '0/1', 'Pending', '0', expect.stringMatching(/^\d+s$/), '<none>', '<none>', '<none>', '<none>']);
		const describe = await room.kubectl(['describe', 'pod', 'shell', '-n', 'shop']);
		expect(describe.stdout).toMatch(/^Status:\s+Pending$/m);
		expect(describe.stdout).toMatch(/^QoS Class:\s+BestEffort$/m);
		expect(describe.stdout).toMatch(/^Tolerations:\s+node\.kubernetes\.io\/not-ready:NoExecute op=Exists for 300s$/m);
	});

	it('diffs against a server-side dry run without changing anything', async () => {
		const before = await jsonpath(['get', 'deploy', 'web', '-n', 'shop'], '{.metadata.resourceVersion}');
		const r = await room.kubectl(['diff', '-f', join(MANIFESTS, '10-deployment.yaml')]);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/^-\s+replicas: 3$/m);
		expect(r.stdout).toMatch(/^\+\s+replicas: 2$/m);
		expect(r.stdout).toMatch(/^\+\s+image: nginx:1\.27$/m);
		expect(await jsonpath(['get', 'deploy', 'web', '-n', 'shop'], '{.metadata.resourceVersion}')).toBe(before);
		const none = await room.kubectl(['diff', '-f', join(MANIFESTS, '30-configmap.yaml')]);
		expect(none.code).toBe(0);
		expect(none.stdout).toBe('');
	});

	it('cordons, uncordons and taints nodes', async () => {
		expect((await room.kubectl(['cordon', 'node-1'])).stdout.trim()).toBe('node/node-1 cordoned');
		expect(tableRows((await room.kubectl(['get', 'nodes'])).stdout)[1].slice(0, 2)).toEqual(['node-1', 'Unknown,SchedulingDisabled']);
		expect((await room.kubectl(['uncordon', 'node-1'])).stdout.trim()).toBe('node/node-1 uncordoned');
		expect((await room.kubectl(['taint', 'nodes', 'node-1', 'dedicated=web:NoSchedule'])).stdout.trim()).toBe('node/node-1 tainted');
		expect(await jsonpath(['get', 'node', 'node-1'], '{.spec.taints[0].key}={.spec.taints[0].value}:{.spec.taints[0].effect}')).toBe('dedicated=web:NoSchedule');
		expect((await room.kubectl(['taint', 'nodes', 'node-1', 'dedicated=web:NoSchedule-'])).stdout.trim()).toBe('node/node-1 untainted');
		expect(await jsonpath(['get', 'node', 'node-1'], '{.spec.taints}')).toBe('');
	});

	it('refuses writes of the viewer with the RBAC Forbidden message', async () => {
		const r = await room.kubectl(['scale', 'deploy', 'web', '-n', 'shop', '--replicas=1'], { viewer: true });
		expect(r.code).toBe(1);
		expect(r.stderr.trim()).toBe(
			'Error from server (Forbidden): deployments.apps "web" is forbidden: User "viewer" cannot patch resource "deployments/scale" in API group "apps" in the namespace "shop"'
		);
		expect((await room.kubectl(['get', 'deploy', '-n', 'shop', '-o', 'name'], { viewer: true })).stdout).toContain('deployment.apps/web');
	});
});
