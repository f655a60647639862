import { describe, expect, it } from 'vitest';
import { eventually, tableRows } from '../kubectl/harness';
import { type Obj, schedulerRoom } from './scheduler-helpers';

const ZONE = 'topology.kubernetes.io/zone';

// Three nodes in two zones; the full control plane (PV controller, csi-provisioner, scheduler, kubelets).
const room = schedulerRoom(async (a) => {
	await a.node('node-a1', '4', { labels: { [ZONE]: 'zone-a' } });
	await a.node('node-a2', '4', { labels: { [ZONE]: 'zone-a' } });
	await a.node('node-b1', '4', { labels: { [ZONE]: 'zone-b' } });
});

const pvc = (name: string) => room.a.getJson(`/api/v1/namespaces/default/persistentvolumeclaims/${name}`);
const pv = (name: string) => room.a.getJson(`/api/v1/persistentvolumes/${name}`);

async function boundClaim(name: string): Promise<Obj> {
	let c: Obj = {};
	await eventually(async () => (c = await pvc(name)).status?.phase === 'Bound', `${name} Bound`, 30_000);
	return c;
}

const podUsing = (name: string, claim: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: default }
spec:
  containers: [{ name: app, image: nginx:1.27 }]
  volumes: [{ name: data, persistentVolumeClaim: { claimName: ${claim} } }]
${extra}`;

const claimYaml = (name: string, cls: string, size = '1Gi') => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: ${name}, namespace: default }
spec:
  storageClassName: ${cls}
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: ${size} } }
`;

describe('storage: PV controller, csi-provisioner, volume scheduling, kubelet mounts', () => {
	it('installs the driver: CSIDriver, a CSINode per node, and the default class `standard`', async () => {
		await eventually(async () => (await room.a.getJson('/apis/storage.k8s.io/v1/csinodes')).items?.length === 3, '3 CSINodes');
		const csiNode = await room.a.getJson('/apis/storage.k8s.io/v1/csinodes/node-a1');
		expect(csiNode.spec.drivers).toEqual([{ name: 'hostpath.csi.converge.dev', nodeID: 'node-a1', topologyKeys: ['kubernetes.io/hostname', ZONE], allocatable: { count: 128 } }]);
		const sc = await room.k.kubectl(['get', 'storageclass']);
		expect(tableRows(sc.stdout)[0]).toEqual(['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE']);
		expect(tableRows(sc.stdout)[1].slice(0, 5)).toEqual(['standard (default)', 'hostpath.csi.converge.dev', 'Delete', 'WaitForFirstConsumer', 'false']);
	});

	it('a StatefulSet with volumeClaimTemplates on WaitForFirstConsumer `standard`: claims provisioned on the pods\' nodes, pods Running', async () => {
		await room.a.apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: default }
spec:
  replicas: 2
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: app, image: nginx:1.27 }] }
  volumeClaimTemplates:
  - metadata: { name: data }
    spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
`);
		for (const i of [0, 1]) {
			const c = await boundClaim(`data-db-${i}`);
			// DefaultStorageClass admission filled in the class; the PV controller's annotations.
			expect(c.spec.storageClassName).toBe('standard');
			expect(c.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.kubernetes.io/storage-provisioner': 'hostpath.csi.converge.dev' });
			expect(c.spec.volumeName).toBe(`pvc-${c.metadata.uid}`);
			const node = await room.a.boundNode(`db-${i}`);
			expect(c.metadata.annotations['volume.kubernetes.io/selected-node']).toBe(node);
			const v = await pv(c.spec.volumeName);
			expect(v.spec.nodeAffinity.required.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }]);
			expect(v.spec.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: `data-db-${i}`, uid: c.metadata.uid });
			expect(v.status.phase).toBe('Bound');
			await eventually(async () => (await room.a.pod(`db-${i}`)).status?.phase === 'Running', `db-${i} Running`, 30_000);
		}
		const events = await room.a.events('data-db-0');
		const provisioned = events.find((e) => e.reason === 'ProvisioningSucceeded')!;
		expect(provisioned.message).toBe(`Successfully provisioned volume ${(await pvc('data-db-0')).spec.volumeName}`);
		expect(provisioned.source.component).toMatch(/^hostpath\.csi\.converge\.dev_csi-hostpathplugin-0_/);
		expect(events.find((e) => e.reason === 'ExternalProvisioning')).toMatchObject({
			source: { component: 'persistentvolume-controller' },
			message: "Waiting for a volume to be created either by the external provisioner 'hostpath.csi.converge.dev' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."
		});
		expect(events.find((e) => e.reason === 'Provisioning')?.message).toBe('External provisioner is provisioning volume for claim "default/data-db-0"');

		const claims = tableRows((await room.k.kubectl(['get', 'pvc', 'data-db-0'])).stdout);
		expect(claims[0]).toEqual(['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
		expect(claims[1].slice(0, 7)).toEqual(['data-db-0', 'Bound', (await pvc('data-db-0')).spec.volumeName, '1Gi', 'RWO', 'standard', '<unset>']);
		const vols = tableRows((await room.k.kubectl(['get', 'pv', (await pvc('data-db-0')).spec.volumeName])).stdout);
		expect(vols[0]).toEqual(['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE']);
		expect(vols[1].slice(1, 8)).toEqual(['1Gi', 'RWO', 'Delete', 'Bound', 'default/data-db-0', 'standard', '<unset>']);
	});

	it('an Immediate zonal class: the volume is provisioned in zone-a at once, and its pods only land on zone-a nodes', async () => {
		await room.a.apply(`apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: zonal }
provisioner: hostpath.csi.converge.dev
parameters: { topology: zone }
volumeBindingMode: Immediate
allowedTopologies: [{ matchLabelExpressions: [{ key: ${ZONE}, values: [zone-a] }] }]
`);
		await room.a.apply(claimYaml('zdata', 'zonal'));
		const c = await boundClaim('zdata');
		expect(c.metadata.annotations['volume.kubernetes.io/selected-node']).toBeUndefined();
		const v = await pv(c.spec.volumeName);
		expect(v.spec.nodeAffinity.required.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['zone-a'] }] }]);

		await room.a.apply(podUsing('zonal-user', 'zdata'));
		expect(['node-a1', 'node-a2']).toContain(await room.a.boundNode('zonal-user'));

		// Asked to run in zone-b, it cannot: zone-a nodes fail its node selector, zone-b the volume's affinity.
		await room.a.apply(podUsing('zone-b-user', 'zdata', `  nodeSelector: { ${ZONE}: zone-b }`));
		await eventually(async () => (await room.a.events('zone-b-user')).some((e) => e.reason === 'FailedScheduling'), 'FailedScheduling');
		const ev = (await room.a.events('zone-b-user')).find((e) => e.reason === 'FailedScheduling')!;
		expect(ev.message).toBe(
			"0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
		);
		await room.a.forceDelete('zone-b-user');
	});

	it('no matching PV and no provisioner: the pod stays Pending with the real FailedScheduling message', async () => {
		await room.a.apply(`apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: local }
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
`);
		await room.a.apply(claimYaml('nothing-here', 'local'));
		await room.a.apply(podUsing('stuck', 'nothing-here'));
		await eventually(async () => (await room.a.events('stuck')).some((e) => e.reason === 'FailedScheduling'), 'FailedScheduling');
		const want = "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
		expect((await room.a.events('stuck')).find((e) => e.reason === 'FailedScheduling')?.message).toBe(want);
		expect((await room.a.pod('stuck')).status.conditions.find((x: Obj) => x.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message: want });
		expect((await pvc('nothing-here')).status.phase).toBe('Pending');

		// A local PV appears on node-b1: the scheduler binds it (claimRef), the PV controller completes the binding.
		await room.a.apply(`apiVersion: v1
kind: PersistentVolume
metadata: { name: local-b1 }
spec:
  capacity: { storage: 5Gi }
  accessModes: [ReadWriteOnce]
  storageClassName: local
  persistentVolumeReclaimPolicy: Retain
  local: { path: /mnt/disks/b1 }
  nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [node-b1] }] }] } }
`);
		expect(await room.a.boundNode('stuck')).toBe('node-b1');
		const c = await boundClaim('nothing-here');
		expect(c.spec.volumeName).toBe('local-b1');
		expect((await pv('local-b1')).metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
		expect((await pvc('nothing-here')).status.capacity).toEqual({ storage: '5Gi' });

		// Retain: the claim goes, the volume stays Released.
		await room.a.forceDelete('stuck');
		await room.k.kubectl(['delete', 'pvc', 'nothing-here']);
		await eventually(async () => (await pv('local-b1')).status?.phase === 'Released', 'local-b1 Released');
	});

	it('a claim in use stays Terminating (pvc-protection); once free, reclaim policy Delete removes its PV', async () => {
		const c = await pvc('zdata');
		expect(c.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
		expect((await pv(c.spec.volumeName)).metadata.finalizers).toEqual(['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection']);
		const del = await room.k.kubectl(['delete', 'pvc', 'zdata', '--wait=false']);
		expect(del.stdout).toContain('persistentvolumeclaim "zdata" deleted');
		await eventually(async () => tableRows((await room.k.kubectl(['get', 'pvc', 'zdata'])).stdout)[1]?.[1] === 'Terminating', 'zdata Terminating');
		expect((await pv(c.spec.volumeName)).status.phase).toBe('Bound');
		await room.a.forceDelete('zonal-user');
		await eventually(async () => (await pvc('zdata')).code === 404, 'zdata deleted');
		await eventually(async () => (await pv(c.spec.volumeName)).code === 404, `${c.spec.volumeName} deleted`, 30_000);
	});
});
