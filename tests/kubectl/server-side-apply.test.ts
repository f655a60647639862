/**
 * Server-side apply with real kubectl: `apply --server-side` creates and re-applies, conflicts
 * with other managers (kubectl scale, a client-side apply) fail with kube's message, and
 * `--force-conflicts` takes the fields; managedFields show every manager with its fields;
 * a field left out of the manifest is removed; `--dry-run=server` changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeRoom, type KubeRoom } from './harness';

let room: KubeRoom;

const manifest = (opts: { replicas?: number; image?: string; env?: boolean; tier?: boolean } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ssa
  namespace: default
  labels:
    app: ssa${opts.tier === false ? '' : '\n    tier: web'}
spec:
  replicas: ${opts.replicas ?? 2}
  selector:
    matchLabels:
      app: ssa
  template:
    metadata:
      labels:
        app: ssa
    spec:
      containers:
      - name: nginx
        image: ${opts.image ?? 'nginx:1.27'}
        ports:
        - containerPort: 80${opts.env === false ? '' : '\n        env:\n        - name: MODE\n          value: prod'}
`;

const apply = (yaml: string, ...flags: string[]) => room.kubectl(['apply', '--server-side', ...flags, '-f', '-'], { input: yaml });
/** A raw apply PATCH (`url` relative to the room's API). */
const applyRaw = (url: string, body: string) =>
	room.api(`/rooms/${room.roomId}/k8s${url}`, { method: 'PATCH', headers: { 'content-type': 'application/apply-patch+yaml' }, body });

type Entry = { manager: string; operation: string; apiVersion: string; time?: string; fieldsType: string; fieldsV1: Record<string, unknown>; subresource?: string };

async function getDeployment(name = 'ssa'): Promise<{ metadata: { resourceVersion: string; generation: number; labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: Entry[] }; spec: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
	const r = await room.kubectl(['get', 'deployment', name, '-o', 'json', '--show-managed-fields']);
	expect(r.stderr).toBe('');
	return JSON.parse(r.stdout);
}

const ownFields = (e: Entry) => e.subresource !== 'status';
/** The entries' managers, without the controllers' status writers (they come and go with the control plane). */
const managers = (entries: Entry[] | undefined) =>
	(entries ?? []).filter(ownFields).map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`);

beforeAll(async () => {
	room = await startKubeRoom();
});
afterAll(async () => {
	await room?.stop();
});

describe('kubectl apply --server-side', () => {
	it('creates the object, owned by the "kubectl" applier with kube\'s fieldsV1', async () => {
		const r = await apply(manifest());
		expect(r.stderr).toBe('');
		expect(r.stdout.trim()).toBe('deployment.apps/ssa serverside-applied');
		const d = await getDeployment();
		expect(managers(d.metadata.managedFields)).toEqual(['kubectl/Apply']);
		const [entry] = d.metadata.managedFields!;
		expect(entry.apiVersion).toBe('apps/v1');
		expect(entry.fieldsType).toBe('FieldsV1');
		expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		// What `kubectl apply --server-side` of this manifest owns on a real cluster: the applied
		// leaves, list items by key (with `.`), the selector as one atomic field; no defaults.
		expect(entry.fieldsV1).toEqual({
			'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } },
			'f:spec': {
				'f:replicas': {},
				'f:selector': {},
				'f:template': {
					'f:metadata': { 'f:labels': { 'f:app': {} } },
					'f:spec': {
						'f:containers': {
							'k:{"name":"nginx"}': {
								'.': {},
								'f:env': { 'k:{"name":"MODE"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
								'f:image': {},
								'f:name': {},
								'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } }
							}
						}
					}
				}
			}
		});
		// Defaults were applied to the object all the same.
		expect(d.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
		expect(d.spec.template.spec.containers[0].ports[0].protocol).toBe('TCP');
	});

	it('re-applies the same manifest without writing', async () => {
		const before = await getDeployment();
		const r = await apply(manifest());
		expect(r.code).toBe(0);
		expect(r.stdout.trim()).toBe('deployment.apps/ssa serverside-applied');
		// (Controllers may write the status meanwhile: the object's own fields are what must not move.)
		const after = await getDeployment();
		expect(after.metadata.generation).toBe(before.metadata.generation);
		expect(after.metadata.managedFields!.filter(ownFields)).toEqual(before.metadata.managedFields!.filter(ownFields));
	});

	it('refuses a field the kind does not declare, as kube-apiserver does (a 500 from the typed conversion)', async () => {
		const r = await apply(manifest().replace('  replicas: 2', '  replicas: 2\n  foo: 1'));
		expect(r.code).toBe(1);
		expect(r.stderr.trim()).toBe('Error from server: failed to create typed patch object (default/ssa; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema');
	});

	it('hides managedFields unless asked, like kubectl does', async () => {
		const r = await room.kubectl(['get', 'deployment', 'ssa', '-o', 'yaml']);
		expect(r.stdout).not.toContain('managedFields');
		const shown = await room.kubectl(['get', 'deployment', 'ssa', '-o', 'yaml', '--show-managed-fields']);
		expect(shown.stdout).toContain('managedFields:');
		expect(shown.stdout).toContain('manager: kubectl');
		expect(shown.stdout).toContain('operation: Apply');
	});

	it('changes nothing with --dry-run=server', async () => {
		const before = await getDeployment();
		const r = await apply(manifest({ image: 'nginx:1.28', replicas: 7 }), '--dry-run=server');
		expect(r.code).toBe(0);
		expect(r.stdout.trim()).toBe('deployment.apps/ssa serverside-applied (server dry run)');
		const after = await getDeployment();
		expect(after.metadata.generation).toBe(before.metadata.generation);
		expect(after.spec).toEqual(before.spec);
		expect(after.metadata.managedFields!.filter(ownFields)).toEqual(before.metadata.managedFields!.filter(ownFields));
	});

	it('records other writers as Update managers, by subresource', async () => {
		const scaled = await room.kubectl(['scale', 'deployment', 'ssa', '--replicas=5']);
		expect(scaled.stdout.trim()).toBe('deployment.apps/ssa scaled');
		const labeled = await room.kubectl(['label', 'deployment', 'ssa', 'owner=team-a']);
		expect(labeled.stdout.trim()).toBe('deployment.apps/ssa labeled');
		const d = await getDeployment();
		expect(managers(d.metadata.managedFields)).toEqual(['kubectl/Apply', 'kubectl/Update/scale', 'kubectl-label/Update']);
		const byManager = Object.fromEntries(d.metadata.managedFields!.map((e) => [`${e.manager}/${e.subresource ?? ''}`, e.fieldsV1]));
		expect(byManager['kubectl/scale']).toEqual({ 'f:spec': { 'f:replicas': {} } });
		expect(byManager['kubectl-label/']).toEqual({ 'f:metadata': { 'f:labels': { 'f:owner': {} } } });
		// The applier lost .spec.replicas to the scale.
		expect((byManager['kubectl/'] as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas']).toBeUndefined();
	});

	it('fails on a conflict with kubectl\'s message, and --force-conflicts takes the field', async () => {
		const r = await apply(manifest());
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
		expect(r.stderr).toContain('--force-conflicts');
		expect((await getDeployment()).spec.replicas).toBe(5);

		const forced = await apply(manifest(), '--force-conflicts');
		expect(forced.code).toBe(0);
		const d = await getDeployment();
		expect(d.spec.replicas).toBe(2);
		// The scale entry owned nothing else, so it is gone.
		expect(managers(d.metadata.managedFields)).toEqual(['kubectl/Apply', 'kubectl-label/Update']);
	});

	it('answers the conflict as a Status with FieldManagerConflict causes', async () => {
		const res = await applyRaw('/apis/apps/v1/namespaces/default/deployments/ssa?fieldManager=other', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa\n  labels:\n    tier: db\n    owner: team-b\n');
		expect(res.status).toBe(409);
		expect(await res.json()).toEqual({
			kind: 'Status',
			apiVersion: 'v1',
			metadata: {},
			status: 'Failure',
			message: 'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .metadata.labels.tier\nconflicts with "kubectl-label" using apps/v1:\n- .metadata.labels.owner',
			reason: 'Conflict',
			details: {
				causes: [
					{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.metadata.labels.tier' },
					{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-label" using apps/v1', field: '.metadata.labels.owner' }
				]
			},
			code: 409
		});
	});

	it('removes what the applier no longer applies, and shares what another manager set the same', async () => {
		// Another applier sets the same tier label: both own it, nobody conflicts.
		const same = await applyRaw('/apis/apps/v1/namespaces/default/deployments/ssa?fieldManager=other', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa\n  labels:\n    tier: web\n');
		expect(same.status).toBe(200);
		const r = await apply(manifest({ env: false, tier: false }));
		expect(r.code).toBe(0);
		const d = await getDeployment();
		expect(d.spec.template.spec.containers[0].env).toBeUndefined();
		// tier stays: "other" still applies it.
		expect(d.metadata.labels).toEqual({ app: 'ssa', owner: 'team-a', tier: 'web' });
		const mine = d.metadata.managedFields!.find((e) => e.manager === 'kubectl')!;
		expect(JSON.stringify(mine.fieldsV1)).not.toContain('MODE');
		expect(JSON.stringify(mine.fieldsV1)).not.toContain('f:tier');
	});
});

describe('client-side and server-side apply together', () => {
	it('conflicts with kubectl-client-side-apply for another field manager', async () => {
		const yaml = manifest().replace(/name: ssa$/m, 'name: csa');
		const csa = await room.kubectl(['apply', '-f', '-'], { input: yaml });
		expect(csa.stdout.trim()).toBe('deployment.apps/csa created');
		const d = await getDeployment('csa');
		expect(managers(d.metadata.managedFields)).toEqual(['kubectl-client-side-apply/Update']);
		const r = await apply(yaml.replace('replicas: 2', 'replicas: 3'), '--field-manager=ci');
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
	});

	it('lets the "kubectl" applier take over from client-side apply where the live values are the last-applied ones', async () => {
		const yaml = manifest().replace(/name: ssa$/m, 'name: upgrade');
		expect((await room.kubectl(['apply', '-f', '-'], { input: yaml })).code).toBe(0);
		const r = await apply(yaml.replace('replicas: 2', 'replicas: 3'));
		expect(r.stderr).toBe('');
		expect(r.stdout.trim()).toBe('deployment.apps/upgrade serverside-applied');
		const d = await getDeployment('upgrade');
		expect(d.spec.replicas).toBe(3);
		// kubectl then migrates the client-side entry itself (an apply as kubectl-last-applied and a
		// JSON patch of managedFields), which the server takes as the new managedFields.
		expect(managers(d.metadata.managedFields)).toEqual(['kubectl-last-applied/Apply', 'kubectl/Apply']);
		// The annotation follows the server-side applied configuration, so a later client-side apply diffs from it.
		const last = JSON.parse(d.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']);
		expect(last.spec.replicas).toBe(3);
	});

	it('resets managedFields when an update sends an empty list', async () => {
		const res = await room.api(`/rooms/${room.roomId}/k8s/apis/apps/v1/namespaces/default/deployments/csa`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/merge-patch+json' },
			body: JSON.stringify({ metadata: { managedFields: [] } })
		});
		expect(res.status).toBe(200);
		expect((await getDeployment('csa')).metadata.managedFields).toBeUndefined();
	});
});

describe('the apply endpoint', () => {
	const path = (name: string, sub = '') => `/apis/apps/v1/namespaces/default/deployments/${name}${sub}`;
	const patch = applyRaw;
	const dep = (name: string, extra = '') => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n${extra}`;

	it('requires a field manager and a body of the endpoint\'s kind without managedFields', async () => {
		const none = await patch(path('ssa'), dep('ssa'));
		expect(none.status).toBe(422);
		expect((await none.json()).message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
		const kind = await patch(path('ssa') + '?fieldManager=x', dep('ssa').replace('Deployment', 'ReplicaSet'));
		expect(kind.status).toBe(400);
		expect((await kind.json()).message).toBe('invalid object type: apps/v1, Kind=ReplicaSet');
		const mf = await patch(path('ssa') + '?fieldManager=x', dep('ssa', '  managedFields: []\n'));
		expect(mf.status).toBe(400);
		expect((await mf.json()).message).toBe('metadata.managedFields must be nil');
		const name = await patch(path('ssa') + '?fieldManager=x', dep('other'));
		expect((await name.json()).message).toBe('the name of the object (other) does not match the name on the URL (ssa)');
	});

	it('creates with 201, and a dry run creates nothing', async () => {
		const body = dep('fresh', 'spec:\n  selector:\n    matchLabels: {app: fresh}\n  template:\n    metadata:\n      labels: {app: fresh}\n    spec:\n      containers: [{name: c, image: busybox}]\n');
		const dry = await patch(path('fresh') + '?fieldManager=x&dryRun=All', body);
		expect(dry.status).toBe(201);
		expect((await room.api(`/rooms/${room.roomId}/k8s${path('fresh')}`)).status).toBe(404);
		const made = await patch(path('fresh') + '?fieldManager=x', body);
		expect(made.status).toBe(201);
		const obj = await made.json();
		expect(obj.metadata.managedFields.map((e: Entry) => `${e.manager}/${e.operation}`)).toEqual(['x/Apply']);
		expect(obj.spec.replicas).toBe(1);
	});

	it('refuses list items without their key like kube (500), while other writes leave that to validation (422)', async () => {
		const noName = 'spec:\n  template:\n    spec:\n      containers: [{image: busybox}]\n';
		const r = await patch(path('fresh') + '?fieldManager=x', dep('fresh', `  namespace: default\n${noName}`));
		expect(r.status).toBe(500);
		expect((await r.json()).message).toBe(
			'failed to create typed patch object (default/fresh; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)'
		);
		const merge = await room.api(`/rooms/${room.roomId}/k8s${path('fresh')}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/merge-patch+json' },
			body: JSON.stringify({ spec: { template: { spec: { containers: [{ image: 'busybox' }] } } } })
		});
		expect(merge.status).toBe(422);
		expect((await merge.json()).message).toContain('spec.template.spec.containers[0].name: Required value');
	});

	it('applies a Scale to /scale and a status to /status, each as its own subresource manager', async () => {
		const scaled = await patch(path('fresh', '/scale') + '?fieldManager=hpa', 'apiVersion: autoscaling/v1\nkind: Scale\nmetadata:\n  name: fresh\nspec:\n  replicas: 4\n');
		expect(scaled.status).toBe(200);
		expect((await scaled.json()).spec.replicas).toBe(4);
		const status = await patch(path('fresh', '/status') + '?fieldManager=ctl', dep('fresh', 'status:\n  observedGeneration: 1\n'));
		expect(status.status).toBe(200);
		const obj = await status.json();
		const entries = Object.fromEntries(obj.metadata.managedFields.map((e: Entry) => [`${e.manager}/${e.operation}/${e.subresource ?? ''}`, e.fieldsV1]));
		expect(entries['hpa/Apply/scale']).toEqual({ 'f:spec': { 'f:replicas': {} } });
		expect(entries['ctl/Apply/status']).toEqual({ 'f:status': { 'f:observedGeneration': {} } });
		// A scale is a field of the object: the applier of the object now conflicts with the Scale's applier.
		const back = await patch(path('fresh') + '?fieldManager=x', dep('fresh', 'spec:\n  replicas: 1\n'));
		expect(back.status).toBe(409);
		expect((await back.json()).message).toBe('Apply failed with 1 conflict: conflict with "hpa" with subresource "scale": .spec.replicas');
	});
});
