/**
 * kubectl apply and the read commands against a room: apply of a directory, re-apply, get in
 * every output format kubectl users reach for, selectors, describe, explain, discovery commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFESTS, startKubeRoom, tableRows, type KubeRoom } from './harness';

let room: KubeRoom;

beforeAll(async () => {
	room = await startKubeRoom();
});
afterAll(async () => {
	await room?.stop();
});

describe('kubectl apply and get', () => {
	it('reports the server version', async () => {
		const r = await room.kubectl(['version']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^Server Version: v1\.32\.0$/m);
	});

	it('applies a directory: every object created', async () => {
		const r = await room.kubectl(['apply', '-f', MANIFESTS]);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout.trim().split('\n')).toEqual([
			'namespace/shop created',
			'deployment.apps/web created',
			'service/web created',
			'configmap/web-config created',
			'secret/web-secret created',
			'node/node-1 created',
			'job.batch/migrate created'
		]);
	});

	it('applies again: unchanged (a Secret with stringData is always configured, as on a real cluster)', async () => {
		const r = await room.kubectl(['apply', '-f', MANIFESTS]);
		expect(r.code).toBe(0);
		expect(r.stdout.trim().split('\n')).toEqual([
			'namespace/shop unchanged',
			'deployment.apps/web unchanged',
			'service/web unchanged',
			'configmap/web-config unchanged',
			'secret/web-secret configured',
			'node/node-1 unchanged',
			'job.batch/migrate unchanged'
		]);
	});

	it('applies a List with client-side validation (OpenAPI v2), reporting unknown fields like kubectl', async () => {
		const list = (image: string) =>
			JSON.stringify({
				apiVersion: 'v1',
				kind: 'List',
				items: [
					{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'listed', namespace: 'shop' }, data: { a: 'b' } },
					{ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', [image]: 'busybox' }] } } } }
				]
			});
		const ok = await room.kubectl(['apply', '-f', '-'], { input: list('image') });
		expect(ok.stdout.trim().split('\n')).toEqual(['configmap/listed created', 'daemonset.apps/agent created']);
		const bad = await room.kubectl(['apply', '-f', '-'], { input: list('imagex') });
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain('ValidationError(DaemonSet.spec.template.spec.containers[0]): unknown field "imagex" in io.k8s.api.core.v1.Container');
		expect((await room.kubectl(['delete', '-f', '-'], { input: list('image') })).code).toBe(0);
	});

	it('lists the system namespaces and the applied one', async () => {
		const r = await room.kubectl(['get', 'namespaces']);
		const rows = tableRows(r.stdout);
		expect(rows[0]).toEqual(['NAME', 'STATUS', 'AGE']);
		expect(rows.slice(1).map((x) => x.slice(0, 2))).toEqual([
			['default', 'Active'],
			['kube-node-lease', 'Active'],
			['kube-public', 'Active'],
			['kube-system', 'Active'],
			['shop', 'Active']
		]);
		expect(rows[1][2]).toMatch(/^\d+s$/);
	});

	it('gets deployments with the default and wide columns', async () => {
		const plain = tableRows((await room.kubectl(['get', 'deployments', '-n', 'shop'])).stdout);
		expect(plain).toEqual([
			['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
			['web', '0/2', '0', '0', expect.stringMatching(/^\d+s$/)]
		]);
		const wide = tableRows((await room.kubectl(['get', 'deploy', 'web', '-n', 'shop', '-o', 'wide'])).stdout);
		expect(wide[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
		expect(wide[1].slice(5)).toEqual(['nginx', 'nginx:1.27', 'app=web']);
	});

	it('gets services, configmaps, secrets, jobs and nodes with kubectl\'s columns', async () => {
		const r = await room.kubectl(['get', 'svc,cm,secret,job', '-n', 'shop']);
		expect(r.code).toBe(0);
		const blocks = r.stdout.trim().split('\n\n').map(tableRows);
		expect(blocks.map((b) => b[0])).toEqual([
			['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
			['NAME', 'DATA', 'AGE'],
			['NAME', 'TYPE', 'DATA', 'AGE'],
			['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']
		]);
		expect(blocks[0][1].slice(0, 2)).toEqual(['service/web', 'ClusterIP']);
		expect(blocks[0][1][4]).toBe('80/TCP');
		expect(blocks[1][1].slice(0, 2)).toEqual(['configmap/web-config', '1']);
		expect(blocks[2][1].slice(0, 3)).toEqual(['secret/web-secret', 'Opaque', '1']);
		expect(blocks[3][1].slice(0, 3)).toEqual(['job.batch/migrate', 'Running', '0/1']);
		const nodes = tableRows((await room.kubectl(['get', 'nodes', '-o', 'wide'])).stdout);
		expect(nodes[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
		expect(nodes[1].slice(0, 3)).toEqual(['node-1', 'Unknown', 'worker']);
	});

	it('prints -o yaml with the server-set fields and defaults', async () => {
		const r = await room.kubectl(['get', 'deploy', 'web', '-n', 'shop', '-o', 'yaml']);
		expect(r.code).toBe(0);
		for (const line of [
			'kind: Deployment',
			'  generation: 1',
			'  progressDeadlineSeconds: 600',
			'  revisionHistoryLimit: 10',
			'      maxSurge: 25%',
			'      creationTimestamp: null',
			'        imagePullPolicy: IfNotPresent',
			'          protocol: TCP',
			'      terminationGracePeriodSeconds: 30',
			'status: {}'
		])
			expect(r.stdout).toContain(line + '\n');
		expect(r.stdout).toMatch(/^ {2}resourceVersion: "\d+"$/m);
		expect(r.stdout).toMatch(/^ {2}uid: [0-9a-f-]{36}$/m);
	});

	it('prints -o json, jsonpath and custom-columns', async () => {
		const json = JSON.parse((await room.kubectl(['get', 'cm', 'web-config', '-n', 'shop', '-o', 'json'])).stdout);
		expect(json).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { greeting: 'hello' }, metadata: { name: 'web-config', namespace: 'shop' } });
		const jp = await room.kubectl(['get', 'deploy', '-n', 'shop', '-o', 'jsonpath={.items[*].metadata.name} {.items[0].spec.replicas}']);
		expect(jp.stdout).toBe('web 2');
		const cc = tableRows((await room.kubectl(['get', 'deploy', '-n', 'shop', '-o', 'custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGE:.spec.template.spec.containers[0].image'])).stdout);
		expect(cc).toEqual([
			['NAME', 'REPLICAS', 'IMAGE'],
			['web', '2', 'nginx:1.27']
		]);
	});

	it('selects by label (equality and set-based) and by field', async () => {
		expect(tableRows((await room.kubectl(['get', 'ns', '-l', 'team=web'])).stdout).map((r) => r[0])).toEqual(['NAME', 'shop']);
		expect(tableRows((await room.kubectl(['get', 'ns', '-l', 'team in (web,api)', '-o', 'name'])).stdout)).toEqual([['namespace/shop']]);
		expect(tableRows((await room.kubectl(['get', 'ns', '-l', '!team', '-o', 'name'])).stdout)).toHaveLength(4);
		expect(tableRows((await room.kubectl(['get', 'ns', '--field-selector', 'metadata.name=kube-public', '-o', 'name'])).stdout)).toEqual([['namespace/kube-public']]);
		const bad = await room.kubectl(['get', 'pods', '--field-selector', 'spec.foo=bar']);
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain('field label not supported: spec.foo');
		const badLabel = await room.kubectl(['get', 'ns', '-l', 'bad key']);
		expect(badLabel.stderr).toContain("unable to parse requirement: found 'key', expected: in, notin, =, ==, !=, gt, lt");
	});

	it('lists across namespaces, shows labels, sorts', async () => {
		const all = tableRows((await room.kubectl(['get', 'deploy,cm', '-A'])).stdout);
		expect(all[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
		expect(all[1].slice(0, 2)).toEqual(['shop', 'deployment.apps/web']);
		const labels = tableRows((await room.kubectl(['get', 'ns', 'shop', '--show-labels'])).stdout);
		expect(labels[0]).toEqual(['NAME', 'STATUS', 'AGE', 'LABELS']);
		expect(labels[1][3]).toBe('kubernetes.io/metadata.name=shop,team=web');
		const sorted = tableRows((await room.kubectl(['get', 'ns', '--sort-by=.metadata.name', '-o', 'name'])).stdout).map((r) => r[0]);
		expect(sorted).toEqual([...sorted].sort());
		const empty = await room.kubectl(['get', 'pods', '-A']);
		expect(empty.code).toBe(0);
		expect(empty.stderr.trim()).toBe('No resources found');
	});

	it('describes a deployment', async () => {
		const r = await room.kubectl(['describe', 'deployment', 'web', '-n', 'shop']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^Name:\s+web$/m);
		expect(r.stdout).toMatch(/^Namespace:\s+shop$/m);
		expect(r.stdout).toMatch(/^Selector:\s+app=web$/m);
		expect(r.stdout).toMatch(/^Replicas:\s+2 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$/m);
		expect(r.stdout).toMatch(/^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
		expect(r.stdout).toMatch(/^\s+MODE:\s+prod$/m);
	});

	it('explains a field from the OpenAPI v3 documents', async () => {
		const r = await room.kubectl(['explain', 'deployment.spec.replicas']);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: replicas <integer>');
		expect(r.stdout).toContain('Number of desired pods.');
	});

	it('lists API resources and versions', async () => {
		const res = tableRows((await room.kubectl(['api-resources'])).stdout);
		expect(res[0]).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
		expect(res).toContainEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
		expect(res).toContainEqual(['nodes', 'no', 'v1', 'false', 'Node']);
		expect(res).toContainEqual(['customresourcedefinitions', 'crd,crds', 'apiextensions.k8s.io/v1', 'false', 'CustomResourceDefinition']);
		const versions = (await room.kubectl(['api-versions'])).stdout.trim().split('\n');
		expect(versions).toEqual(expect.arrayContaining(['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'apiextensions.k8s.io/v1']));
		const all = await room.kubectl(['get', 'all', '-n', 'shop', '-o', 'name']);
		expect(all.stdout.trim().split('\n')).toEqual(['service/web', 'deployment.apps/web', 'job.batch/migrate']);
	});
});
