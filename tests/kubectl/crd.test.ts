/**
 * CustomResourceDefinitions through real kubectl: the CronTab CRD of the Kubernetes docs (two
 * versions, printer columns, a short name, status and scale subresources) is applied and served
 * (discovery, explain, tables, CRUD, scale, validation), then deleted with its objects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fromUtf8, utf8 } from '../../src/lib/store/bytes';
import { eventually, startKubeRoom, tableRows, type KubeRoom } from './harness';

let room: KubeRoom;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: The desired schedule and image.
            required: [cronSpec]
            properties:
              cronSpec:
                type: string
                description: The cron schedule.
                pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
              image:
                type: string
              replicas:
                type: integer
                minimum: 1
                maximum: 10
                default: 1
              size:
                type: string
                enum: [S, M, L]
          status:
            type: object
            properties:
              replicas:
                type: integer
              labelSelector:
                type: string
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.labelSelector
    additionalPrinterColumns:
    - name: Spec
      type: string
      description: The cron spec defining the interval a CronJob is run
      jsonPath: .spec.cronSpec
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Image
      type: string
      priority: 1
      jsonPath: .spec.image
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`;

const CRONTAB = `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: my-new-cron-object
  namespace: default
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
`;

beforeAll(async () => {
	room = await startKubeRoom();
	const r = await room.kubectl(['apply', '-f', '-'], { input: CRD });
	if (r.code !== 0) throw new Error(`kubectl apply: ${r.stderr}${r.stdout}`);
	const w = await room.kubectl(['wait', '--for', 'condition=established', '--timeout=30s', 'crd/crontabs.stable.example.com']);
	if (w.code !== 0) {
		// Say what the CRD looked like: a wait that times out otherwise tells nothing.
		const got = await room.kubectl(['get', 'crd', 'crontabs.stable.example.com', '-o', 'yaml']);
		throw new Error(`kubectl wait: ${w.stderr}${w.stdout}\n${got.stdout}${got.stderr}`);
	}
}, 90_000);
afterAll(async () => {
	await room?.stop();
});

describe('CustomResourceDefinitions', () => {
	it('accepts the names and establishes the CRD', async () => {
		const r = await room.kubectl(['get', 'crd', 'crontabs.stable.example.com', '-o', 'json']);
		const crd = JSON.parse(r.stdout);
		expect(crd.status.acceptedNames).toEqual({ plural: 'crontabs', singular: 'crontab', shortNames: ['ct'], kind: 'CronTab', listKind: 'CronTabList', categories: ['all'] });
		expect(crd.status.conditions.map((c: { type: string; status: string; reason: string }) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
			'NamesAccepted=True/NoConflicts',
			'Established=True/InitialNamesAccepted'
		]);
		expect(crd.status.storedVersions).toEqual(['v1']);
	});

	it('lists the resource in api-resources', async () => {
		const r = await room.kubectl(['api-resources', '--api-group=stable.example.com']);
		expect(r.code).toBe(0);
		expect(tableRows(r.stdout)).toEqual([
			['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'],
			['crontabs', 'ct', 'stable.example.com/v1', 'true', 'CronTab']
		]);
	});

	it('creates, gets and prints custom objects with the printer columns', async () => {
		const c = await room.kubectl(['apply', '-f', '-'], { input: CRONTAB });
		expect(c.stderr).toBe('');
		expect(c.stdout.trim()).toBe('crontab.stable.example.com/my-new-cron-object created');
		const again = await room.kubectl(['apply', '-f', '-'], { input: CRONTAB.replace('image: my-awesome-cron-image', 'image: my-awesome-cron-image\n  size: M') });
		expect(again.stdout.trim()).toBe('crontab.stable.example.com/my-new-cron-object configured');
		const get = await room.kubectl(['get', 'crontabs']);
		const rows = tableRows(get.stdout);
		expect(rows[0]).toEqual(['NAME', 'SPEC', 'REPLICAS', 'AGE']);
		expect(rows[1].slice(0, 3)).toEqual(['my-new-cron-object', '* * * * */5', '1']);
		const wide = tableRows((await room.kubectl(['get', 'ct', '-o', 'wide'])).stdout);
		expect(wide[0]).toEqual(['NAME', 'SPEC', 'REPLICAS', 'IMAGE', 'AGE']);
		expect(wide[1][3]).toBe('my-awesome-cron-image');
		const byVersion = await room.kubectl(['get', 'crontabs.v1beta1.stable.example.com', 'my-new-cron-object', '-o', 'jsonpath={.apiVersion} {.spec.replicas}']);
		expect(byVersion.stdout).toBe('stable.example.com/v1beta1 1');
		const openapi = JSON.parse((await room.kubectl(['get', '--raw', `/rooms/${room.roomId}/k8s/openapi/v2`])).stdout);
		expect(openapi.definitions['com.example.stable.v1.CronTab']['x-kubernetes-group-version-kind']).toEqual([{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
		const v1 = await room.kubectl(['get', 'crontabs.v1.stable.example.com', '-o', 'name']);
		expect(v1.stdout.trim()).toBe('crontab.stable.example.com/my-new-cron-object');
	});

	it('applies custom objects server-side', async () => {
		const ssa = CRONTAB.replace('name: my-new-cron-object', 'name: ssa');
		const r = await room.kubectl(['apply', '--server-side', '-f', '-'], { input: ssa });
		expect(r.stderr).toBe('');
		expect(r.stdout.trim()).toBe('crontab.stable.example.com/ssa serverside-applied');
		const again = await room.kubectl(['apply', '--server-side', '-f', '-'], { input: ssa.replace('my-awesome-cron-image', 'v2') });
		expect(again.stdout.trim()).toBe('crontab.stable.example.com/ssa serverside-applied');
		expect((await room.kubectl(['get', 'ct', 'ssa', '-o', 'jsonpath={.spec.image} {.spec.replicas}'])).stdout).toBe('v2 1');
		expect((await room.kubectl(['delete', 'ct', 'ssa'])).stdout.trim()).toBe('crontab.stable.example.com "ssa" deleted');
	});

	it('watches, selects by label and joins the "all" category', async () => {
		const w = room.spawnKubectl(['get', 'ct', '-w', '-l', 'tier=batch']);
		await room.kubectl(['label', 'ct', 'my-new-cron-object', 'tier=batch']);
		await eventually(() => w.output().includes('my-new-cron-object'), 'the watch to show the labelled object');
		await w.kill();
		expect(w.output().split('\n')[0].trim().split(/\s{2,}/)).toEqual(['NAME', 'SPEC', 'REPLICAS', 'AGE']);
		expect((await room.kubectl(['get', 'ct', '-l', 'tier!=batch', '-o', 'name'])).stdout).toBe('');
		expect((await room.kubectl(['get', 'all', '-o', 'name'])).stdout).toContain('crontab.stable.example.com/my-new-cron-object');
	});

	it('stores custom objects under /registry/<group>/<plural>/ in the storage version', async () => {
		const store = (await room.converge.rooms.get(room.roomId))!.store;
		const kv = (await store.range({ key: utf8('/registry/stable.example.com/crontabs/default/my-new-cron-object') })).kvs[0];
		expect(JSON.parse(fromUtf8(kv.value)).apiVersion).toBe('stable.example.com/v1');
		const r = await room.api(`/rooms/${room.roomId}/k8s/apis/stable.example.com/v1beta1/namespaces/default/crontabs/my-new-cron-object`);
		expect(((await r.json()) as { apiVersion: string }).apiVersion).toBe('stable.example.com/v1beta1');
		const sel = await room.kubectl(['get', 'crontabs', '--field-selector', 'metadata.name=my-new-cron-object', '-o', 'name']);
		expect(sel.stdout.trim()).toBe('crontab.stable.example.com/my-new-cron-object');
		const bad = await room.kubectl(['get', 'crontabs', '--field-selector', 'spec.image=x']);
		expect(bad.code).toBe(1);
	});

	it('explains the kind and its fields from the OpenAPI v3 document', async () => {
		const r = await room.kubectl(['explain', 'crontab.spec']);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('GROUP:      stable.example.com');
		expect(r.stdout).toContain('KIND:       CronTab');
		expect(r.stdout).toContain('The desired schedule and image.');
		expect(r.stdout).toMatch(/cronSpec\t<string> -required-/);
		const top = await room.kubectl(['explain', 'crontabs']);
		expect(top.stdout).toMatch(/metadata\t<ObjectMeta>/);
	});

	it('validates custom objects against the schema (422 with kube messages)', async () => {
		const bad = CRONTAB.replace('name: my-new-cron-object', 'name: bad').replace('image: my-awesome-cron-image', 'image: x\n  replicas: "two"\n  size: XL');
		const r = await room.kubectl(['apply', '-f', '-'], { input: bad });
		expect(r.code).toBe(1);
		expect(r.stderr.trim()).toBe(
			'The CronTab "bad" is invalid: \n* spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"\n* spec.size: Unsupported value: "XL": supported values: "S", "M", "L"'
		);
		const missing = await room.kubectl(['apply', '-f', '-'], { input: CRONTAB.replace('name: my-new-cron-object', 'name: bad').replace('  cronSpec: "* * * * */5"\n', '') });
		expect(missing.stderr.trim()).toBe('The CronTab "bad" is invalid: spec.cronSpec: Required value');
		const tooMany = await room.kubectl(['patch', 'ct', 'my-new-cron-object', '--type=merge', '-p', '{"spec":{"replicas":11}}']);
		expect(tooMany.stderr.trim()).toBe('The CronTab "my-new-cron-object" is invalid: spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10');
	});

	it('prunes unknown fields: Strict refuses them, Warn warns', async () => {
		const extra = CRONTAB.replace('name: my-new-cron-object', 'name: extra').replace('image: my-awesome-cron-image', 'image: x\n  foo: bar');
		const strict = await room.kubectl(['create', '-f', '-'], { input: extra });
		expect(strict.code).toBe(1);
		expect(strict.stderr.trim()).toBe('Error from server (BadRequest): error when creating "STDIN": CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.foo"');
		const warn = await room.kubectl(['create', '--validate=warn', '-f', '-'], { input: extra });
		expect(warn.code).toBe(0);
		expect(warn.stderr.trim()).toBe('Warning: unknown field "spec.foo"');
		const stored = await room.kubectl(['get', 'ct', 'extra', '-o', 'jsonpath={.spec}']);
		expect(JSON.parse(stored.stdout)).toEqual({ cronSpec: '* * * * */5', image: 'x', replicas: 1 });
	});

	it('patches, scales and updates status through the subresources', async () => {
		const p = await room.kubectl(['patch', 'crontab', 'my-new-cron-object', '--type=merge', '-p', '{"spec":{"image":"v2"}}']);
		expect(p.stdout.trim()).toBe('crontab.stable.example.com/my-new-cron-object patched');
		const smp = await room.kubectl(['patch', 'crontab', 'my-new-cron-object', '-p', '{"spec":{"image":"v3"}}']);
		expect(smp.code).toBe(1);
		expect(smp.stderr).toContain('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
		const s = await room.kubectl(['scale', 'crontab', 'my-new-cron-object', '--replicas=3']);
		expect(s.stdout.trim()).toBe('crontab.stable.example.com/my-new-cron-object scaled');
		const st = await room.kubectl(['patch', 'crontab', 'my-new-cron-object', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":3,"labelSelector":"app=cron"}}']);
		expect(st.code).toBe(0);
		const scale = await room.kubectl(['get', '--raw', `/rooms/${room.roomId}/k8s/apis/stable.example.com/v1/namespaces/default/crontabs/my-new-cron-object/scale`]);
		const obj = JSON.parse(scale.stdout);
		expect([obj.kind, obj.spec.replicas, obj.status.replicas, obj.status.selector]).toEqual(['Scale', 3, 3, 'app=cron']);
		const gen = await room.kubectl(['get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.spec.replicas} {.metadata.generation}']);
		// Generation: 1 at create, +1 for the apply, the image patch and the scale; none for status.
		expect(gen.stdout).toBe('3 4');
	});

	it('defaults objects on read with defaults added to the CRD later', async () => {
		const add = '[{"op":"add","path":"/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/size/default","value":"S"}]';
		expect((await room.kubectl(['patch', 'crd', 'crontabs.stable.example.com', '--type=json', '-p', add])).code).toBe(0);
		await eventually(async () => (await room.kubectl(['get', 'ct', 'extra', '-o', 'jsonpath={.spec.size}'])).stdout === 'S', 'the new default on read');
	});

	it('deletes the CRD with its objects', async () => {
		const d = await room.kubectl(['delete', 'crd', 'crontabs.stable.example.com']);
		expect(d.stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted');
		await eventually(async () => (await room.kubectl(['get', 'crd', 'crontabs.stable.example.com'])).code !== 0, 'the CRD to go');
		const keys = await room.api(`/rooms/${room.roomId}/k8s/apis/stable.example.com/v1/crontabs`);
		expect(keys.status).toBe(404);
		// A fresh kubectl (no discovery cache) no longer knows the resource type.
		await rm(join(room.dir, 'home', '.kube', 'cache'), { recursive: true, force: true });
		const get = await room.kubectl(['get', 'crontabs']);
		expect(get.code).toBe(1);
		expect(get.stderr.trim()).toBe('error: the server doesn\'t have a resource type "crontabs"');
	});
});

const widgets = (name: string, plural: string, extra = '') => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${name}
spec:
  group: example.com
  scope: Cluster
  names:
    plural: ${plural}
    kind: ${plural === 'widgets' ? 'Widget' : 'Gadget'}
    shortNames: [wd]
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
${extra || '        type: object\n        x-kubernetes-preserve-unknown-fields: true'}
`;

describe('CustomResourceDefinition validation and names', () => {
	it('refuses a CRD that is not structural or misnamed, with kube messages', async () => {
		const r = await room.kubectl(['apply', '-f', '-'], { input: widgets('widgets.example.com', 'widgets', '        properties:\n          spec:\n            type: object') });
		expect(r.code).toBe(1);
		expect(r.stderr.trim()).toBe(
			'The CustomResourceDefinition "widgets.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema.type: Required value: must not be empty at the root'
		);
		const misnamed = await room.kubectl(['apply', '-f', '-'], { input: widgets('widget.example.com', 'widgets') });
		expect(misnamed.stderr.trim()).toBe('The CustomResourceDefinition "widget.example.com" is invalid: metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group');
	});

	it('serves cluster-scoped resources and reports a names conflict', async () => {
		expect((await room.kubectl(['apply', '-f', '-'], { input: widgets('widgets.example.com', 'widgets') })).code).toBe(0);
		expect((await room.kubectl(['wait', '--for', 'condition=established', '--timeout=10s', 'crd/widgets.example.com'])).code).toBe(0);
		const w = await room.kubectl(['apply', '-f', '-'], { input: 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  anything: [1, 2]\n' });
		expect(w.stdout.trim()).toBe('widget.example.com/w1 created');
		expect(tableRows((await room.kubectl(['get', 'wd'])).stdout).map((r) => r[0])).toEqual(['NAME', 'w1']);
		expect((await room.kubectl(['get', 'widget', 'w1', '-o', 'jsonpath={.spec.anything}'])).stdout).toBe('[1,2]');
		expect((await room.kubectl(['apply', '-f', '-'], { input: widgets('gadgets.example.com', 'gadgets') })).code).toBe(0);
		await eventually(async () => (await room.kubectl(['get', 'crd', 'gadgets.example.com', '-o', 'jsonpath={.status.conditions}'])).stdout.includes('NamesAccepted'), 'the naming controller');
		const conds = JSON.parse((await room.kubectl(['get', 'crd', 'gadgets.example.com', '-o', 'jsonpath={.status.conditions}'])).stdout);
		expect(conds.map((c: Record<string, string>) => [c.type, c.status, c.reason, c.message])).toEqual([
			['NamesAccepted', 'False', 'ShortNamesConflict', '"wd" is already in use'],
			['Established', 'False', 'NotAccepted', 'not all names are accepted']
		]);
	});

	it('keeps a terminating CRD until its objects are gone, refusing new ones', async () => {
		const held = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\n';
		expect((await room.kubectl(['apply', '-f', '-'], { input: held })).code).toBe(0);
		const d = await room.kubectl(['delete', 'crd', 'widgets.example.com', '--wait=false']);
		expect(d.stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io "widgets.example.com" deleted');
		await eventually(async () => (await room.kubectl(['get', 'widgets', '-o', 'name'])).stdout.trim() === 'widget.example.com/held', 'w1 to be deleted');
		const crd = JSON.parse((await room.kubectl(['get', 'crd', 'widgets.example.com', '-o', 'json'])).stdout);
		expect(crd.metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
		expect(crd.status.conditions.find((c: Record<string, string>) => c.type === 'Terminating')).toMatchObject({ status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' });
		const create = await room.kubectl(['create', '-f', '-'], { input: 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: late\n' });
		expect(create.stderr.trim()).toBe('Error from server (MethodNotAllowed): error when creating "STDIN": create not allowed while custom resource definition is terminating');
		await room.kubectl(['patch', 'widget', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
		await eventually(async () => (await room.kubectl(['get', 'crd', 'widgets.example.com'])).code !== 0, 'the CRD to go');
	});
});
