import { describe, expect, it } from 'vitest';
import { applyFields, ApplyConflicts, checkDeclared, compareObjects, mergeObjects, toFieldSet, TypedValueError, updateFields, type ManagedFields, type WriteContext } from './apply';
import { FieldSet, pathString } from './field-set';
import { FieldType } from './field-types';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DEPLOY = FieldType.forKind('apps/v1', 'Deployment');
const ctx: WriteContext = { type: DEPLOY, apiVersion: 'apps/v1', filter: (s) => s };
const paths = (s: FieldSet) => s.paths().map(pathString);

const deployment = (spec: Obj, labels: Obj = { app: 'web' }): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels }, spec });
const containers = (...cs: Obj[]) => ({ template: { spec: { containers: cs } } });

describe('toFieldSet', () => {
	it('owns leaves, list items by key (with port protocol defaulted) and atomic structs whole', () => {
		const set = toFieldSet(deployment({ selector: { matchLabels: { app: 'web' } }, ...containers({ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }) }), DEPLOY);
		expect(paths(set)).toEqual([
			'.apiVersion',
			'.kind',
			'.metadata.labels.app',
			'.metadata.name',
			'.spec.selector',
			'.spec.template.spec.containers[name="nginx"]',
			'.spec.template.spec.containers[name="nginx"].image',
			'.spec.template.spec.containers[name="nginx"].name',
			'.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]',
			'.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"].containerPort'
		]);
	});

	it('owns sets by value and atomic lists whole', () => {
		const pod = FieldType.forKind('v1', 'Pod');
		const set = toFieldSet({ metadata: { finalizers: ['a/b'] }, spec: { containers: [{ name: 'c', args: ['x', 'y'] }] } }, pod);
		expect(paths(set)).toEqual(['.metadata.finalizers[="a/b"]', '.spec.containers[name="c"]', '.spec.containers[name="c"].args', '.spec.containers[name="c"].name']);
	});

	it("refuses an associative list item without its key, in structured-merge-diff's words", () => {
		expect(() => toFieldSet(deployment(containers({ image: 'x' })), DEPLOY)).toThrow(
			new TypedValueError('.spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)')
		);
	});
});

describe('checkDeclared', () => {
	it('names every undeclared field with its path, list items by key', () => {
		expect(() => checkDeclared(deployment({ replicas: 1, ...containers({ name: 'a', colour: 'red' }) }), DEPLOY)).toThrow(
			new TypedValueError('.spec.template.spec.containers[name="a"].colour: field not declared in schema')
		);
		expect(() => checkDeclared(deployment({ foo: 1, bar: 2 }), DEPLOY)).toThrow(
			new TypedValueError('errors:\n  .spec.foo: field not declared in schema\n  .spec.bar: field not declared in schema')
		);
		// Map keys and preserve-unknown-fields subtrees take anything.
		expect(() => checkDeclared(deployment({}, { anything: 'x' }), DEPLOY)).not.toThrow();
	});
});

describe('mergeObjects', () => {
	it('merges containers by name, env by name, ports by containerPort+protocol; replaces atomic values', () => {
		const live = deployment({
			replicas: 1,
			selector: { matchLabels: { app: 'web', old: 'x' } },
			...containers(
				{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }], args: ['--v=1', '--x'] },
				{ name: 'b', image: 'b:1' }
			)
		});
		const config = deployment({ selector: { matchLabels: { app: 'web' } }, ...containers({ name: 'a', image: 'a:2', env: [{ name: 'Y', value: '2' }], ports: [{ containerPort: 80 }], args: ['--v=2'] }) });
		const merged = mergeObjects(live, config, DEPLOY);
		expect(merged.spec.replicas).toBe(1);
		expect(merged.spec.selector).toEqual({ matchLabels: { app: 'web' } });
		expect(merged.spec.template.spec.containers).toEqual([
			{ name: 'a', image: 'a:2', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }], args: ['--v=2'] },
			{ name: 'b', image: 'b:1' }
		]);
	});

	it('keeps live-only items where they were and follows the applied order for the others', () => {
		const live = deployment(containers({ name: 'x' }, { name: 'a' }, { name: 'y' }, { name: 'b' }));
		const config = deployment(containers({ name: 'b' }, { name: 'c' }, { name: 'a' }));
		// structured-merge-diff's interleaving: a live item shared with the config waits for its turn.
		expect(mergeObjects(live, config, DEPLOY).spec.template.spec.containers.map((c: Obj) => c.name)).toEqual(['x', 'y', 'b', 'c', 'a']);
	});
});

describe('compareObjects', () => {
	it('reports added nodes as members, modified leaves, removed items', () => {
		const c = compareObjects(deployment({ replicas: 1, ...containers({ name: 'a' }, { name: 'b' }) }), deployment({ replicas: 2, paused: true, ...containers({ name: 'a', ports: [{ containerPort: 1 }] }) }), DEPLOY);
		expect(paths(c.modified)).toEqual(['.spec.replicas']);
		expect(paths(c.added)).toEqual([
			'.spec.paused',
			'.spec.template.spec.containers[name="a"].ports',
			'.spec.template.spec.containers[name="a"].ports[containerPort=1,protocol="TCP"]',
			'.spec.template.spec.containers[name="a"].ports[containerPort=1,protocol="TCP"].containerPort'
		]);
		expect(paths(c.removed)).toEqual(['.spec.template.spec.containers[name="b"]', '.spec.template.spec.containers[name="b"].name']);
	});
});

describe('applyFields', () => {
	const fresh = (): ManagedFields => new Map();

	it('owns what was applied and removes what it applied before and no longer applies', () => {
		const first = applyFields(ctx, {}, deployment({ replicas: 2 }, { app: 'web', tier: 'x' }), fresh(), 'A', false);
		expect(first.object!.metadata.labels).toEqual({ app: 'web', tier: 'x' });
		const second = applyFields(ctx, first.object!, deployment({ replicas: 2 }), first.managers, 'A', false);
		expect(second.object!.metadata.labels).toEqual({ app: 'web' });
		expect(paths(second.managers.get('A')!.set)).not.toContain('.metadata.labels.tier');
	});

	it('keeps a field another manager owns too, and changes nothing when re-applied as is', () => {
		const a = applyFields(ctx, {}, deployment({}, { app: 'web', tier: 'x' }), fresh(), 'A', false);
		const b = applyFields(ctx, a.object!, deployment({}, { tier: 'x' }), a.managers, 'B', false);
		expect(b.object).toBeUndefined();
		const again = applyFields(ctx, a.object!, deployment({}, {}), b.managers, 'A', false);
		expect(again.object!.metadata.labels).toEqual({ tier: 'x' });
	});

	it('conflicts on a value another manager owns, unless forced (which takes the field)', () => {
		const a = applyFields(ctx, {}, deployment({ replicas: 2, paused: false }), fresh(), 'A', false);
		let err: unknown;
		try {
			applyFields(ctx, a.object!, deployment({ replicas: 3, paused: false }), a.managers, 'B', false);
		} catch (e) {
			err = e;
		}
		expect(err).toBeInstanceOf(ApplyConflicts);
		expect((err as ApplyConflicts).conflicts.map((c) => `${c.manager} ${pathString(c.path)}`)).toEqual(['A .spec.replicas']);
		const forced = applyFields(ctx, a.object!, deployment({ replicas: 3, paused: false }), a.managers, 'B', true);
		expect(forced.object!.spec.replicas).toBe(3);
		expect(paths(forced.managers.get('A')!.set)).not.toContain('.spec.replicas');
		// Same value, no conflict: both own paused.
		expect(paths(forced.managers.get('A')!.set)).toContain('.spec.paused');
		expect(paths(forced.managers.get('B')!.set)).toContain('.spec.paused');
	});
});

describe('updateFields', () => {
	it('gives the writer what it changed and takes it from the others', () => {
		const managers: ManagedFields = new Map([['A', { set: FieldSet.of([{ field: 'spec' }, { field: 'replicas' }], [{ field: 'spec' }, { field: 'paused' }]), apiVersion: 'apps/v1', applied: true }]]);
		const out = updateFields(ctx, deployment({ replicas: 1, paused: true }), deployment({ replicas: 4 }), managers, 'U');
		expect(paths(out.get('U')!.set)).toEqual(['.spec.replicas']);
		// paused was removed: nobody owns it any more.
		expect(out.get('A')).toBeUndefined();
	});
});

describe('custom resources', () => {
	const schema = {
		type: 'object',
		properties: {
			spec: {
				type: 'object',
				properties: {
					routes: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['host', 'port'], items: { type: 'object', properties: { host: { type: 'string' }, port: { type: 'integer' }, weight: { type: 'integer' } } } },
					tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
					extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }
				}
			}
		}
	};
	const type = FieldType.forKind('example.com/v1', 'Route', schema);

	it("merge by the schema's list markers; unknown-field subtrees merge maps and replace lists", () => {
		const live = { spec: { routes: [{ host: 'a', port: 1, weight: 1 }], tags: ['x'], extra: { keep: 1, list: [1, 2] } } };
		const config = { spec: { routes: [{ host: 'a', port: 1, weight: 5 }, { host: 'b', port: 1 }], tags: ['y'], extra: { list: [3] } } };
		expect(mergeObjects(live, config, type)).toEqual({
			spec: { routes: [{ host: 'a', port: 1, weight: 5 }, { host: 'b', port: 1 }], tags: ['x', 'y'], extra: { keep: 1, list: [3] } }
		});
		expect(paths(toFieldSet(config, type))).toEqual([
			'.spec.extra.list',
			'.spec.routes[host="a",port=1]',
			'.spec.routes[host="a",port=1].host',
			'.spec.routes[host="a",port=1].port',
			'.spec.routes[host="a",port=1].weight',
			'.spec.routes[host="b",port=1]',
			'.spec.routes[host="b",port=1].host',
			'.spec.routes[host="b",port=1].port',
			'.spec.tags[="y"]'
		]);
	});
});
