import { describe, expect, it } from 'vitest';
import { manifestOf, nextInventory, planApply, SOURCE_ANNOTATION, type DesiredObject, type ObjectRef } from './apply-plan';

function desired(kind: string, name: string, path: string, doc = 0, extra: Record<string, unknown> = {}): DesiredObject {
	const apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1';
	const namespace = kind === 'Namespace' ? undefined : 'default';
	return {
		key: `${apiVersion.includes('/') ? 'apps' : ''}/${kind}/${namespace ?? ''}/${name}`,
		apiVersion,
		kind,
		namespace,
		name,
		path,
		doc,
		line: 1,
		object: { apiVersion, kind, metadata: { name }, ...extra }
	};
}
const ref = ({ key, apiVersion, kind, namespace, name, path, doc }: DesiredObject): ObjectRef => ({ key, apiVersion, kind, namespace, name, path, doc });

describe('apply plan', () => {
	it('applies every declared object with its file as field manager and the tracking annotation, in waves', () => {
		const plan = planApply({
			desired: [desired('Deployment', 'web', 'app/web.yaml', 1), desired('Namespace', 'shop', 'ns.yaml'), desired('ConfigMap', 'cfg', 'app/web.yaml', 0)],
			inventory: [],
			heldFiles: new Set(),
			prune: false
		});
		expect(plan.waves.map((w) => w.map((s) => s.ref.kind))).toEqual([['Namespace'], ['ConfigMap'], ['Deployment']]);
		const web = plan.waves[2][0];
		expect(web.manager).toBe('converge:app/web.yaml');
		expect(web.force).toBe(false);
		expect((web.manifest.metadata as { annotations: Record<string, string> }).annotations[SOURCE_ANNOTATION]).toBe('app/web.yaml#1');
		expect((web.manifest.metadata as { namespace: string }).namespace).toBe('default');
	});

	it('keeps the user annotations and does not mutate the declaration', () => {
		const d = desired('ConfigMap', 'cfg', 'a.yaml', 0, { metadata: { name: 'cfg', annotations: { team: 'blue' } } });
		const m = manifestOf(d);
		expect((m.metadata as { annotations: Record<string, string> }).annotations).toEqual({ team: 'blue', [SOURCE_ANNOTATION]: 'a.yaml#0' });
		expect((d.object.metadata as { annotations: Record<string, string> }).annotations).toEqual({ team: 'blue' });
	});

	it('reports objects no longer declared as "would prune" when prune is off, and prunes them when on', () => {
		const gone = ref(desired('Deployment', 'old', 'a.yaml'));
		const cm = ref(desired('ConfigMap', 'old-cfg', 'a.yaml'));
		const off = planApply({ desired: [], inventory: [cm, gone], heldFiles: new Set(), prune: false });
		expect(off.prune.map((p) => [p.ref.name, p.action])).toEqual([
			['old', 'would-prune'],
			['old-cfg', 'would-prune']
		]);
		const on = planApply({ desired: [], inventory: [cm, gone], heldFiles: new Set(), prune: true });
		expect(on.prune.map((p) => p.action)).toEqual(['prune', 'prune']);
	});

	it('holds files with errors: their objects are neither applied nor pruned', () => {
		const kept = ref(desired('ConfigMap', 'cfg', 'broken.yaml'));
		const plan = planApply({ desired: [desired('Deployment', 'web', 'broken.yaml')], inventory: [kept], heldFiles: new Set(['broken.yaml']), prune: true });
		expect(plan.waves).toEqual([]);
		expect(plan.prune).toEqual([]);
		expect(plan.held.map((r) => r.name)).toEqual(['cfg']);
		expect(plan.skipped[0].reason).toContain('keeps its last applied state');
	});

	it('forces an object moved to another file and releases the old file manager', () => {
		const before = ref(desired('Deployment', 'web', 'a.yaml'));
		const plan = planApply({ desired: [desired('Deployment', 'web', 'b.yaml')], inventory: [before], heldFiles: new Set(), prune: false });
		expect(plan.waves[0][0]).toMatchObject({ manager: 'converge:b.yaml', force: true, releaseFrom: 'a.yaml' });
		expect(plan.prune).toEqual([]);
	});

	it('applies only the selected objects of a manual sync and prunes only selected ones', () => {
		const gone = ref(desired('ConfigMap', 'gone', 'a.yaml'));
		const plan = planApply({
			desired: [desired('Deployment', 'web', 'a.yaml'), desired('ConfigMap', 'cfg', 'a.yaml')],
			inventory: [gone],
			heldFiles: new Set(),
			prune: true,
			only: new Set(['apps/Deployment/default/web'])
		});
		expect(plan.waves.flat().map((s) => s.ref.name)).toEqual(['web']);
		expect(plan.prune).toEqual([{ ref: gone, action: 'would-prune' }]);
	});

	it('never applies component configuration kinds', () => {
		const d = { ...desired('ConfigMap', 'x', 'sched.yaml'), apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration' };
		const plan = planApply({ desired: [d], inventory: [], heldFiles: new Set(), prune: false });
		expect(plan.waves).toEqual([]);
		expect(plan.skipped[0].reason).toContain('inside a ConfigMap');
	});

	it('moves the inventory to what was applied and drops what was pruned', () => {
		const a = ref(desired('Deployment', 'web', 'a.yaml'));
		const old = ref(desired('ConfigMap', 'old', 'a.yaml'));
		const failed = desired('ConfigMap', 'bad', 'a.yaml');
		const plan = planApply({ desired: [desired('Deployment', 'web', 'b.yaml'), failed], inventory: [a, old], heldFiles: new Set(), prune: true });
		const next = nextInventory(plan, [a, old], new Set([a.key]), new Set([old.key]));
		expect(next).toEqual([{ ...a, path: 'b.yaml' }]);
	});
});
