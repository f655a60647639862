import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { yaml } from '@codemirror/lang-yaml';
import { EditorState } from '@codemirror/state';
import { describe, expect, test } from 'vitest';
import { kubeSchemaExtensions } from './index';
import { kubeCompletionSource } from './kube-completion';
import { cursor, deployment } from './test-fixtures';

function complete(src: string, explicit = true): CompletionResult | null {
	const { text, pos } = cursor(src);
	const state = EditorState.create({ doc: text });
	return kubeCompletionSource(new CompletionContext(state, pos, explicit));
}

const labels = (r: CompletionResult | null) => r?.options.map((o) => o.label) ?? [];
const option = (r: CompletionResult | null, label: string) => r?.options.find((o) => o.label === label);

const CONTAINER = deployment('spec:\n  template:\n    spec:\n      containers:\n        - name: web\n          |\n');

describe('key completion', () => {
	test.each([
		{
			name: 'DeploymentSpec keys minus those present',
			src: deployment('spec:\n  replicas: 3\n  |\n'),
			wantAll: ['selector', 'strategy', 'template', 'minReadySeconds', 'paused'],
			wantNone: ['replicas', 'containers']
		},
		{ name: 'root keys of a kind', src: deployment('|\n'), wantAll: ['metadata', 'spec', 'status'], wantNone: ['apiVersion', 'kind'] },
		{ name: 'container keys in a list item', src: CONTAINER, wantAll: ['image', 'imagePullPolicy', 'ports', 'env'], wantNone: ['name'] },
		{
			name: 'keys right after a list dash',
			src: deployment('spec:\n  template:\n    spec:\n      containers:\n        - |\n'),
			wantAll: ['name', 'image'],
			wantNone: []
		},
		{ name: 'keys of the second document', src: deployment('spec: {}\n---\napiVersion: v1\nkind: Service\nspec:\n  |\n'), wantAll: ['ports', 'selector', 'type'], wantNone: ['replicas'] },
		{ name: 'a document without kind still offers the header', src: '|\n', wantAll: ['apiVersion', 'kind', 'metadata'], wantNone: ['spec'] },
		{ name: 'nothing below a map of strings', src: deployment('metadata:\n  labels:\n    |\n'), wantAll: [], wantNone: ['name'] }
	])('$name', ({ src, wantAll, wantNone }) => {
		const got = labels(complete(src));
		for (const l of wantAll) expect(got).toContain(l);
		for (const l of wantNone) expect(got).not.toContain(l);
	});

	test('details give the type and the first sentence of the description', () => {
		const r = complete(deployment('spec:\n  |\n'));
		expect(option(r, 'replicas')).toMatchObject({ detail: 'integer', info: 'Number of desired pods.', type: 'property' });
		expect(option(r, 'selector')).toMatchObject({ detail: 'LabelSelector (required)', boost: 1 });
		expect(option(complete(CONTAINER), 'ports')?.detail).toBe('[]ContainerPort');
	});

	test('apply writes the colon, and a new indented line for collections', () => {
		const r = complete(CONTAINER);
		expect(option(r, 'image')?.apply).toBe('image: ');
		expect(option(r, 'ports')?.apply).toBe('ports:\n            - ');
		expect(option(r, 'resources')?.apply).toBe('resources:\n            ');
		expect(option(complete(deployment('spec:\n  repl|icas: 3\n')), 'replicas')?.apply).toBe('replicas');
	});

	test('an empty word waits for an explicit request; a typed prefix does not', () => {
		expect(complete(deployment('spec:\n  |\n'), false)).toBeNull();
		const r = complete(deployment('spec:\n  rep|\n'), false);
		expect(labels(r)).toContain('replicas');
		expect(r).toMatchObject({ from: r!.from, to: r!.from + 3 });
	});
});

describe('value completion', () => {
	test.each([
		{ name: 'imagePullPolicy', src: CONTAINER.replace('|', 'imagePullPolicy: |'), want: ['Always', 'IfNotPresent', 'Never'] },
		{ name: 'restartPolicy', src: deployment('spec:\n  template:\n    spec:\n      restartPolicy: Ne|\n'), want: ['Always', 'Never', 'OnFailure'] },
		{ name: 'Service type', src: 'apiVersion: v1\nkind: Service\nspec:\n  type: |\n', want: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] },
		{ name: 'port protocol', src: 'apiVersion: v1\nkind: Service\nspec:\n  ports:\n    - port: 80\n      protocol: |\n', want: ['SCTP', 'TCP', 'UDP'] },
		{ name: 'boolean', src: deployment('spec:\n  paused: |\n'), want: ['true', 'false'] },
		{
			name: 'enum items of a list',
			src: 'apiVersion: v1\nkind: PersistentVolumeClaim\nspec:\n  accessModes:\n    - |\n',
			want: ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod']
		}
	])('$name', ({ src, want }) => {
		expect(labels(complete(src, false))).toEqual(want);
	});

	test('enum values explain themselves', () => {
		const r = complete(CONTAINER.replace('|', 'imagePullPolicy: |'));
		expect(option(r, 'Never')).toMatchObject({ type: 'enum', detail: 'string' });
		expect(option(r, 'Never')?.info).toMatch(/^means that kubelet never pulls/);
	});

	test('no options for free-text fields', () => {
		expect(complete(CONTAINER.replace('|', 'image: ngi|'))).toBeNull();
	});
});

describe('apiVersion and kind', () => {
	test.each([
		{ name: 'kinds of a known apiVersion', src: 'apiVersion: apps/v1\nkind: |\n', want: ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ControllerRevision'] },
		{ name: 'apiVersions of a known kind', src: 'kind: Event\napiVersion: |\n', want: ['v1', 'events.k8s.io/v1'] }
	])('$name', ({ src, want }) => {
		expect(labels(complete(src))).toEqual(want);
	});

	test('all built-in kinds when apiVersion is not set, with where they are served', () => {
		const r = complete('kind: |\n');
		expect(labels(r)).toContain('CustomResourceDefinition');
		expect(option(r, 'Event')?.detail).toBe('v1, events.k8s.io/v1');
	});
});

describe('wiring', () => {
	test('kubeSchemaExtensions registers the source as language data next to yaml()', () => {
		const state = EditorState.create({ doc: 'kind: \n', extensions: [yaml(), kubeSchemaExtensions()] });
		expect(state.languageDataAt('autocomplete', 6)).toContain(kubeCompletionSource);
	});
});
