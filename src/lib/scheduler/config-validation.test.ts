import { describe, expect, it } from 'vitest';
import { loadSchedulerConfiguration } from './config-validation';

const cfg = (profile: object, top: object = {}) => ({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', profiles: [profile], ...top });
const messages = (obj: unknown) => loadSchedulerConfiguration(obj).errors.map((e) => e.message);

describe('loadSchedulerConfiguration: what kube-scheduler says about its --config', () => {
	it('a valid configuration gives a framework per profile', () => {
		const out = loadSchedulerConfiguration(cfg({ schedulerName: 'default-scheduler' }, { profiles: [{}, { schedulerName: 'packer', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] }] }));
		expect(out.errors).toEqual([]);
		expect([...out.frameworks!.keys()]).toEqual(['default-scheduler', 'packer']);
	});

	it('strict decoding: unknown fields are errors, with their paths', () => {
		const out = loadSchedulerConfiguration(cfg({ plugin: {}, pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { typ: 'MostAllocated' } } }] }, { percentOfNodesToScore: 5 }));
		expect(out.errors).toEqual([
			{ field: 'profiles[0].plugin', message: 'strict decoding error: unknown field "profiles[0].plugin"' },
			{ field: 'profiles[0].pluginConfig[0].args.scoringStrategy.typ', message: 'strict decoding error: unknown field "profiles[0].pluginConfig[0].args.scoringStrategy.typ"' },
			{ field: 'percentOfNodesToScore', message: 'strict decoding error: unknown field "percentOfNodesToScore"' }
		]);
	});

	it('plugin args are validated like validation_pluginargs.go', () => {
		expect(
			messages(
				cfg({
					pluginConfig: [
						{ name: 'DefaultPreemption', args: { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 0 } },
						{ name: 'InterPodAffinity', args: { hardPodAffinityWeight: 101 } },
						{ name: 'PodTopologySpread', args: { defaultConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] } }
					]
				})
			)
		).toEqual([
			'profiles[0].pluginConfig[0].args.minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute',
			'profiles[0].pluginConfig[0].args.minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same time as minCandidateNodesPercentage',
			'profiles[0].pluginConfig[1].args.hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]',
			'profiles[0].pluginConfig[2].args.defaultingType: Invalid value: "System": when .defaultConstraints are not empty',
			'profiles[0].pluginConfig[2].args.defaultConstraints[0].maxSkew: Invalid value: 0: not in valid range (0, inf)'
		]);
	});

	it('NodeResourcesFit checks its own args when it is created (so the path is relative), wrapped like the binary', () => {
		const out = loadSchedulerConfiguration(cfg({ pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'Packed', resources: [{ name: 'cpu', weight: 0 }] } } }] }));
		expect(out.errors).toEqual([
			{
				field: 'profiles[0].pluginConfig[0].args.scoringStrategy.type',
				message:
					'initializing profiles: creating profile for scheduler name default-scheduler: initializing plugin "NodeResourcesFit": scoringStrategy.type: Unsupported value: "Packed": supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"'
			},
			{
				field: 'profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight',
				message:
					'initializing profiles: creating profile for scheduler name default-scheduler: initializing plugin "NodeResourcesFit": scoringStrategy.resources[0].weight: Invalid value: 0: resource weight of cpu not in valid range (0, 100]'
			}
		]);
	});

	it('unknown and removed plugins', () => {
		expect(loadSchedulerConfiguration(cfg({ plugins: { score: { enabled: [{ name: 'NodeResourcesMostAllocated' }] } } })).errors).toEqual([
			{ field: 'profiles[0].plugins.score.enabled[0]', message: 'initializing profiles: creating profile for scheduler name default-scheduler: ScorePlugin "NodeResourcesMostAllocated" does not exist' }
		]);
		expect(messages(cfg({ plugins: { multiPoint: { enabled: [{ name: 'EBSLimits' }] } } }))).toEqual([
			'profiles[0].plugins.multiPoint.enabled[0]: Invalid value: "EBSLimits": was invalid in version "kubescheduler.config.k8s.io/v1" (KubeSchedulerConfiguration is version "kubescheduler.config.k8s.io/v1")'
		]);
	});

	it('the queue sort must be the same in every profile; an empty scheduler name is required', () => {
		expect(messages({ ...cfg({}), profiles: [{}, { schedulerName: '', plugins: { queueSort: { disabled: [{ name: '*' }] } } }] })).toEqual([
			'profiles[1].schedulerName: Required value',
			'profiles[1].plugins.queueSort: Invalid value: {"enabled":[],"disabled":[{"name":"*"}]}: must be the same for all profiles'
		]);
	});
});
