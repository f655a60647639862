/**
 * Plugin name → factory (plugins/registry.go) and the v1.32 default profile's multiPoint list
 * with its weights (apis/config/v1/default_plugins.go). The order is the execution order at
 * every extension point.
 *
 * @module
 */
import type { Plugin } from './framework';
import * as defaultBinder from './plugins/default-binder';
import * as defaultPreemption from './plugins/default-preemption';
import * as imageLocality from './plugins/image-locality';
import * as interPodAffinity from './plugins/inter-pod-affinity';
import * as nodeAffinity from './plugins/node-affinity';
import * as nodeName from './plugins/node-name';
import * as nodePorts from './plugins/node-ports';
import * as balancedAllocation from './plugins/node-resources-balanced-allocation';
import * as nodeResourcesFit from './plugins/node-resources-fit';
import * as nodeUnschedulable from './plugins/node-unschedulable';
import * as nodeVolumeLimits from './plugins/node-volume-limits';
import * as podTopologySpread from './plugins/pod-topology-spread';
import * as prioritySort from './plugins/priority-sort';
import * as schedulingGates from './plugins/scheduling-gates';
import * as taintToleration from './plugins/taint-toleration';
import * as volumeBinding from './plugins/volume-binding';
import * as volumeRestrictions from './plugins/volume-restrictions';
import * as volumeZone from './plugins/volume-zone';

export type PluginFactory = (args?: unknown, profileName?: string) => Plugin;

export const REGISTRY: Readonly<Record<string, PluginFactory>> = {
	[schedulingGates.NAME]: schedulingGates.create,
	[prioritySort.NAME]: prioritySort.create,
	[nodeUnschedulable.NAME]: nodeUnschedulable.create,
	[nodeName.NAME]: nodeName.create,
	[taintToleration.NAME]: taintToleration.create,
	[nodeAffinity.NAME]: nodeAffinity.create,
	[nodePorts.NAME]: nodePorts.create,
	[nodeResourcesFit.NAME]: nodeResourcesFit.create,
	[volumeRestrictions.NAME]: volumeRestrictions.create,
	[nodeVolumeLimits.NAME]: nodeVolumeLimits.create,
	[volumeBinding.NAME]: volumeBinding.create,
	[volumeZone.NAME]: volumeZone.create,
	[podTopologySpread.NAME]: podTopologySpread.create,
	[interPodAffinity.NAME]: interPodAffinity.create,
	[defaultPreemption.NAME]: defaultPreemption.create,
	[balancedAllocation.NAME]: balancedAllocation.create,
	[imageLocality.NAME]: imageLocality.create,
	[defaultBinder.NAME]: defaultBinder.create
};

export interface PluginRef {
	name: string;
	weight?: number;
}

/**
 * The default multiPoint set of v1.32 (NodeVolumeLimits reads the simulated driver's CSINodes). Weights: TaintToleration 3; NodeAffinity, PodTopologySpread,
 * InterPodAffinity 2; NodeResourcesFit, BalancedAllocation, ImageLocality 1; VolumeBinding
 * implements Score, so it gets the implicit weight 1 (its PreScore skips).
 */
export const DEFAULT_MULTI_POINT: readonly PluginRef[] = [
	{ name: schedulingGates.NAME },
	{ name: prioritySort.NAME },
	{ name: nodeUnschedulable.NAME },
	{ name: nodeName.NAME },
	{ name: taintToleration.NAME, weight: 3 },
	{ name: nodeAffinity.NAME, weight: 2 },
	{ name: nodePorts.NAME },
	{ name: nodeResourcesFit.NAME, weight: 1 },
	{ name: volumeRestrictions.NAME },
	{ name: nodeVolumeLimits.NAME },
	{ name: volumeBinding.NAME },
	{ name: volumeZone.NAME },
	{ name: podTopologySpread.NAME, weight: 2 },
	{ name: interPodAffinity.NAME, weight: 2 },
	{ name: defaultPreemption.NAME },
	{ name: balancedAllocation.NAME, weight: 1 },
	{ name: imageLocality.NAME, weight: 1 },
	{ name: defaultBinder.NAME }
];
