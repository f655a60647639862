import { describe, expect, it } from 'vitest';
import { parseSchedulerConfiguration } from './profile';
import { createFramework } from './runtime';

const cfg = (profile: object, top: object = {}) => ({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', profiles: [profile], ...top });
const names = (fw: ReturnType<typeof createFramework>, ep: keyof typeof fw.points) => fw.points[ep].map((p) => p.name);

describe('KubeSchedulerConfiguration → framework', () => {
	it('the default profile: v1.32 order and weights', () => {
		const { config, errors } = parseSchedulerConfiguration(cfg({}));
		expect(errors).toEqual([]);
		const fw = createFramework(config.profiles[0]);
		expect(names(fw, 'filter')).toEqual([
			'NodeUnschedulable',
			'NodeName',
			'TaintToleration',
			'NodeAffinity',
			'NodePorts',
			'NodeResourcesFit',
			'VolumeRestrictions',
			'NodeVolumeLimits',
			'VolumeBinding',
			'VolumeZone',
			'PodTopologySpread',
			'InterPodAffinity'
		]);
		expect(names(fw, 'preFilter')).toEqual(['NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeRestrictions', 'NodeVolumeLimits', 'VolumeBinding', 'VolumeZone', 'PodTopologySpread', 'InterPodAffinity']);
		expect(names(fw, 'preScore')).toEqual(['TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesBalancedAllocation']);
		expect(Object.fromEntries(fw.weights)).toEqual({
			TaintToleration: 3,
			NodeAffinity: 2,
			NodeResourcesFit: 1,
			VolumeBinding: 1,
			PodTopologySpread: 2,
			InterPodAffinity: 2,
			NodeResourcesBalancedAllocation: 1,
			ImageLocality: 1
		});
		expect(names(fw, 'postFilter')).toEqual(['DefaultPreemption']);
		expect(names(fw, 'bind')).toEqual(['DefaultBinder']);
		expect(names(fw, 'queueSort')).toEqual(['PrioritySort']);
		expect(config.percentageOfNodesToScore).toBe(0);
	});

	it('score weights from multiPoint or score.enabled replace the default in place', () => {
		const { config } = parseSchedulerConfiguration(
			cfg({ plugins: { multiPoint: { enabled: [{ name: 'ImageLocality', weight: 7 }] }, score: { enabled: [{ name: 'NodeResourcesFit', weight: 5 }] } } })
		);
		const fw = createFramework(config.profiles[0]);
		expect(fw.weights.get('ImageLocality')).toBe(7);
		expect(fw.weights.get('NodeResourcesFit')).toBe(5);
		// an explicit score entry moves that plugin first (override), the rest keep multiPoint order
		expect(names(fw, 'score')[0]).toBe('NodeResourcesFit');
	});

	it('disabled plugins (or "*") leave the extension point', () => {
		const { config } = parseSchedulerConfiguration(cfg({ plugins: { score: { disabled: [{ name: 'ImageLocality' }, { name: 'TaintToleration' }] }, preScore: { disabled: [{ name: '*' }] } } }));
		const fw = createFramework(config.profiles[0]);
		expect(names(fw, 'score')).not.toContain('ImageLocality');
		expect(names(fw, 'filter')).toContain('TaintToleration');
		expect(names(fw, 'preScore')).toEqual([]);
	});

	it('plugin args and percentageOfNodesToScore reach the framework', () => {
		const { config } = parseSchedulerConfiguration(
			cfg({ pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }], percentageOfNodesToScore: 30 }, { percentageOfNodesToScore: 10 })
		);
		expect(config.percentageOfNodesToScore).toBe(10);
		expect(config.profiles[0].percentageOfNodesToScore).toBe(30);
		expect(config.profiles[0].pluginConfig.NodeResourcesFit).toEqual({ scoringStrategy: { type: 'MostAllocated' } });
	});

	it('reports invalid values with their field paths', () => {
		const { errors } = parseSchedulerConfiguration({
			apiVersion: 'kubescheduler.config.k8s.io/v1beta3',
			kind: 'KubeSchedulerConfiguration',
			percentageOfNodesToScore: 150,
			profiles: [{ plugins: { score: { enabled: [{ name: 'TaintToleration', weight: 1.5 }, { name: 'ImageLocality', weight: 500 }] } } }]
		});
		// Weights have no range check in kube-scheduler (any int32); a fraction fails JSON decoding.
		expect(errors.map((e) => e.message)).toEqual([
			'apiVersion: Unsupported value: "kubescheduler.config.k8s.io/v1beta3": supported values: "kubescheduler.config.k8s.io/v1"',
			'json: cannot unmarshal number 1.5 into Go struct field Plugin.profiles.plugins.score.enabled.weight of type int32',
			'percentageOfNodesToScore: Invalid value: 150: not in valid range [0-100]'
		]);
		expect(errors.map((e) => e.field)).toEqual(['apiVersion', 'profiles[0].plugins.score.enabled[0].weight', 'percentageOfNodesToScore']);
	});

	it('unknown plugins fail when the framework is built', () => {
		const { config } = parseSchedulerConfiguration(cfg({ plugins: { filter: { enabled: [{ name: 'Nope' }] } } }));
		expect(() => createFramework(config.profiles[0])).toThrow('FilterPlugin "Nope" does not exist');
	});
});
