import { describe, expect, it } from 'vitest';
import { RoomAnalyzer } from '../../src/lib/kube/analyze';
import { applyDiagnostics, duplicateDiagnostics, parseFieldPath } from './diagnostics';

const deployment = `apiVersion: v1
kind: ConfigMap
metadata: {name: other}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: -1
  template:
    spec:
      containers:
        - name: side
          image: busybox
        - name: web
          image: ""
`;
const line = (needle: string) => deployment.slice(0, deployment.indexOf(needle)).split('\n').length;

describe('apply diagnostics', () => {
	it('parses API field paths, keyed list items included', () => {
		expect(parseFieldPath('spec.template.spec.containers[0].image')).toEqual(['spec', 'template', 'spec', 'containers', 0, 'image']);
		expect(parseFieldPath('.spec.containers[name="web"].image')).toEqual(['spec', 'containers', { key: 'name', value: 'web' }, 'image']);
	});

	it('puts each cause of a 422 at its field in the right document, with the API message', () => {
		const message = 'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers[1].image: Required value]';
		const out = applyDiagnostics(
			[
				{
					path: 'web.yaml',
					doc: 1,
					code: 422,
					reason: 'Invalid',
					message,
					causes: [
						{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' },
						{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers[1].image' }
					]
				}
			],
			new Map([['web.yaml', deployment]])
		);
		expect(out['web.yaml'].map((d) => [d.line, d.source, d.severity, d.message])).toEqual([
			[line('replicas: -1'), 'apply', 'error', 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
			[line('image: ""'), 'apply', 'error', 'Deployment.apps "web" is invalid: spec.template.spec.containers[1].image: Required value']
		]);
	});

	it('places a conflict on a keyed list item and a missing namespace on metadata.namespace', () => {
		const texts = new Map([['web.yaml', deployment]]);
		const [conflict] = applyDiagnostics(
			[{ path: 'web.yaml', doc: 1, code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "kubectl": .spec.template.spec.containers[name="web"].image', causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.template.spec.containers[name="web"].image' }] }],
			texts
		)['web.yaml'];
		expect(conflict.line).toBe(line('image: ""'));
		const ns = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: nope\n';
		const [missing] = applyDiagnostics([{ path: 'cm.yaml', doc: 0, code: 404, reason: 'NotFound', message: 'namespaces "nope" not found', causes: [] }], new Map([['cm.yaml', ns]]))['cm.yaml'];
		expect(missing).toMatchObject({ line: 5, col: 14, message: 'namespaces "nope" not found' });
	});

	it('falls back to the nearest declared parent, then to the document start', () => {
		const [d] = applyDiagnostics([{ path: 'web.yaml', doc: 1, code: 422, reason: 'Invalid', message: 'x', causes: [{ field: 'spec.selector', message: 'Required value' }] }], new Map([['web.yaml', deployment]]))['web.yaml'];
		expect(d.line).toBe(line('spec:'));
	});

	it('marks the first declaration of an object declared twice, pointing at the second', () => {
		const files = new Map([
			['a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup}\n'],
			['b.yaml', '# copy\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup}\n']
		]);
		const { event, objects } = new RoomAnalyzer().analyze(files);
		expect(event.diagnostics['b.yaml'][0].message).toContain('already declared in a.yaml:1');
		const out = duplicateDiagnostics(event, objects, files);
		expect(out['a.yaml']).toEqual([expect.objectContaining({ line: 1, severity: 'error', source: 'apply', message: 'ConfigMap "dup" in namespace "default" is also declared in b.yaml:2; only this declaration is applied' })]);
	});
});
