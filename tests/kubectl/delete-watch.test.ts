/**
 * kubectl get -w while objects change, and kubectl delete with its options: cascade
 * background/foreground/orphan, grace periods and --force, finalizers, namespaces, and the
 * viewer's Forbidden.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, MANIFESTS, startKubeRoomWithManifests, tableRows, type KubeRoom } from './harness';

let room: KubeRoom;

beforeAll(async () => {
	room = await startKubeRoomWithManifests();
});
afterAll(async () => {
	await room?.stop();
});

describe('kubectl get -w', () => {
	it('streams ADDED, MODIFIED and DELETED rows while objects change', async () => {
		const w = room.spawnKubectl(['get', 'deployments', '-n', 'shop', '--watch', '--output-watch-events']);
		try {
			await eventually(() => w.output().includes('ADDED'), 'the initial list');
			expect((await room.kubectl(['create', 'deployment', 'extra', '-n', 'shop', '--image=nginx'])).code).toBe(0);
			expect((await room.kubectl(['scale', 'deployment', 'extra', '-n', 'shop', '--replicas=3'])).code).toBe(0);
			expect((await room.kubectl(['delete', 'deployment', 'extra', '-n', 'shop'])).code).toBe(0);
			await eventually(() => /^DELETED\s+extra\s+0\/3\s/m.test(w.output()), 'the DELETED event');
		} finally {
			await w.kill();
		}
		const rows = tableRows(w.output());
		expect(rows[0]).toEqual(['EVENT', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
		expect(rows.slice(1).map((r) => `${r[0]} ${r[1]} ${r[2]}`)).toEqual(['ADDED web 0/2', 'ADDED extra 0/1', 'MODIFIED extra 0/3', 'DELETED extra 0/3']);
	});

	it('watches with a selector: objects leaving it are DELETED', async () => {
		const w = room.spawnKubectl(['get', 'configmaps', '-n', 'shop', '-l', 'watched=yes', '--watch', '--output-watch-events']);
		try {
			await eventually(async () => (await room.kubectl(['label', 'cm', 'web-config', '-n', 'shop', 'watched=yes', '--overwrite'])).code === 0, 'labeling');
			await eventually(() => w.output().includes('ADDED'), 'the labeled configmap');
			expect((await room.kubectl(['label', 'cm', 'web-config', '-n', 'shop', 'watched-'])).code).toBe(0);
			// The whole row, not just its first word: kubectl may flush a row in pieces.
			await eventually(() => /^DELETED\s+web-config\s+1\s/m.test(w.output()), 'the unlabeled configmap');
		} finally {
			await w.kill();
		}
		const rows = tableRows(w.output()).filter((r) => r[0] !== 'No resources found in shop namespace.');
		expect(rows.map((r) => r.slice(0, 3))).toEqual([
			['EVENT', 'NAME', 'DATA'],
			['ADDED', 'web-config', '1'],
			['DELETED', 'web-config', '1']
		]);
	});
});

describe('kubectl delete', () => {
	const create = async (name: string) => expect((await room.kubectl(['create', 'deployment', name, '-n', 'shop', '--image=nginx'])).code).toBe(0);
	const exists = async (kind: string, name: string) => (await room.kubectl(['get', kind, name, '-n', 'shop', '-o', 'name'])).code === 0;

	it('deletes in the background (the default and --cascade=background)', async () => {
		await create('bg');
		const r = await room.kubectl(['delete', 'deployment', 'bg', '-n', 'shop', '--cascade=background']);
		expect(r.stdout.trim()).toBe('deployment.apps "bg" deleted');
		expect(await exists('deploy', 'bg')).toBe(false);
	});

	it('keeps a foreground deletion until its finalizer is removed (the garbage collector comes later)', async () => {
		await create('fg');
		const r = await room.kubectl(['delete', 'deployment', 'fg', '-n', 'shop', '--cascade=foreground', '--wait=false']);
		expect(r.stdout.trim()).toBe('deployment.apps "fg" deleted');
		const meta = JSON.parse((await room.kubectl(['get', 'deploy', 'fg', '-n', 'shop', '-o', 'jsonpath={.metadata}'])).stdout);
		expect(meta.finalizers).toEqual(['foregroundDeletion']);
		expect(meta.deletionTimestamp).toMatch(/Z$/);
		expect((await room.kubectl(['patch', 'deploy', 'fg', '-n', 'shop', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]'])).code).toBe(0);
		expect(await exists('deploy', 'fg')).toBe(false);
	});

	it('marks an orphaning deletion with the orphan finalizer', async () => {
		await create('or');
		expect((await room.kubectl(['delete', 'deployment', 'or', '-n', 'shop', '--cascade=orphan', '--wait=false'])).code).toBe(0);
		expect((await room.kubectl(['get', 'deploy', 'or', '-n', 'shop', '-o', 'jsonpath={.metadata.finalizers}'])).stdout).toBe('["orphan"]');
	});

	it('keeps objects with finalizers until they are removed, then deletes them', async () => {
		expect((await room.kubectl(['patch', 'cm', 'web-config', '-n', 'shop', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/keep"]}}'])).code).toBe(0);
		expect((await room.kubectl(['delete', 'cm', 'web-config', '-n', 'shop', '--wait=false'])).code).toBe(0);
		expect((await room.kubectl(['get', 'cm', 'web-config', '-n', 'shop', '-o', 'jsonpath={.metadata.deletionTimestamp}'])).stdout).toMatch(/Z$/);
		const again = await room.kubectl(['patch', 'cm', 'web-config', '-n', 'shop', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/more"]}}']);
		expect(again.stderr).toContain('no new finalizers can be added if the object is being deleted');
		expect((await room.kubectl(['patch', 'cm', 'web-config', '-n', 'shop', '--type=merge', '-p', '{"metadata":{"finalizers":null}}'])).code).toBe(0);
		expect(await exists('cm', 'web-config')).toBe(false);
	});

	it('deletes unscheduled pods at once, scheduled ones with --grace-period=0 --force', async () => {
		expect((await room.kubectl(['run', 'p1', '-n', 'shop', '--image=nginx'])).code).toBe(0);
		expect((await room.kubectl(['delete', 'pod', 'p1', '-n', 'shop'])).stdout.trim()).toBe('pod "p1" deleted');
		expect((await room.kubectl(['run', 'p2', '-n', 'shop', '--image=nginx', '--overrides={"spec":{"nodeName":"node-1"}}'])).code).toBe(0);
		expect((await room.kubectl(['delete', 'pod', 'p2', '-n', 'shop', '--wait=false'])).code).toBe(0);
		const graceful = (await room.kubectl(['get', 'pod', 'p2', '-n', 'shop'])).stdout;
		expect(tableRows(graceful)[1].slice(0, 3)).toEqual(['p2', '0/1', 'Terminating']);
		const forced = await room.kubectl(['delete', 'pod', 'p2', '-n', 'shop', '--grace-period=0', '--force']);
		expect(forced.stdout.trim()).toBe('pod "p2" force deleted');
		expect(forced.stderr).toContain('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated.');
		expect(await exists('pod', 'p2')).toBe(false);
	});

	it('deletes what a file declares', async () => {
		const r = await room.kubectl(['delete', '-f', `${MANIFESTS}/60-job.yaml`]);
		expect(r.stdout.trim()).toBe('job.batch "migrate" deleted');
	});

	it('leaves a deleted namespace Terminating (the namespace controller comes later)', async () => {
		expect((await room.kubectl(['create', 'namespace', 'doomed'])).code).toBe(0);
		expect((await room.kubectl(['delete', 'namespace', 'doomed', '--wait=false'])).code).toBe(0);
		expect(tableRows((await room.kubectl(['get', 'ns', 'doomed'])).stdout)[1].slice(0, 2)).toEqual(['doomed', 'Terminating']);
		const r = await room.kubectl(['create', 'configmap', 'late', '-n', 'doomed']);
		expect(r.stderr.trim()).toBe('error: failed to create configmap: configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
	});

	it('refuses the viewer with kube-apiserver\'s RBAC denial', async () => {
		const r = await room.kubectl(['delete', 'deployment', 'web', '-n', 'shop'], { viewer: true });
		expect(r.code).toBe(1);
		expect(r.stderr.trim()).toBe(
			'Error from server (Forbidden): deployments.apps "web" is forbidden: User "viewer" cannot delete resource "deployments" in API group "apps" in the namespace "shop"'
		);
		expect(await exists('deploy', 'web')).toBe(true);
	});
});
