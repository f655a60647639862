/**
 * What active faults mean to the simulated cluster: the node annotations the kubelet obeys, which
 * image pulls fail, which container runs crash (a deterministic draw, so a replay crashes the
 * same runs), and the messages of the FaultInjected/FaultRecovered Events.
 *
 * @module
 */
import { fnv1a32 } from '../clock/rng';
import { matchesLabels, parseLabelSelector } from '../kube/label-selector';
import { parseImage } from '../kubelet/images';
import { goDuration } from '../kubelet/backoff';
import { KUBELET_DOWN, KUBELET_PARTITIONED, type ActiveFault, type FaultSpec, type NodeResource } from './types';

/** The kubelet state a node's faults ask for: `down` wins over `partitioned`; undefined = none. */
export function kubeletStateOf(active: ActiveFault[], node: string): string | undefined {
	const mine = active.filter((f) => f.node === node);
	if (mine.some((f) => f.fault === 'NodeFailure')) return KUBELET_DOWN;
	if (mine.some((f) => f.fault === 'NetworkPartition')) return KUBELET_PARTITIONED;
	return undefined;
}

/** The resources a node's NodeFull faults fill (`disk,memory`), sorted; undefined = none. */
export function pressureOf(active: ActiveFault[], node: string): string | undefined {
	const set = new Set(active.filter((f) => f.node === node && f.fault === 'NodeFull').map((f) => f.resource ?? 'disk'));
	return set.size ? [...set].sort().join(',') : undefined;
}

/** Parses the pressure annotation's value. */
export function parsePressure(v: string | undefined): Set<NodeResource> {
	const out = new Set<NodeResource>();
	for (const r of (v ?? '').split(',').map((s) => s.trim())) if (r === 'disk' || r === 'memory' || r === 'pids') out.add(r);
	return out;
}

/** Whether `fault` (ImageUnavailable) covers `image`: its exact reference, or every tag of a repository given without one. */
export function imageMatches(fault: FaultSpec, image: string): boolean {
	if (fault.fault !== 'ImageUnavailable' || !fault.image) return false;
	const want = parseImage(fault.image);
	const got = parseImage(image);
	const tagged = /@|:[^/]*$/.test(fault.image);
	return tagged ? want.normalized === got.normalized : want.repository === got.repository;
}

/** Whether a PodCrashRate fault selects the pod. */
export function podMatches(fault: FaultSpec, pod: { metadata: { namespace?: string; labels?: Record<string, string> } }): boolean {
	if (fault.fault !== 'PodCrashRate') return false;
	if ((pod.metadata.namespace ?? 'default') !== (fault.namespace ?? 'default')) return false;
	return !fault.selector || matchesLabels(parseLabelSelector(fault.selector), pod.metadata.labels);
}

/** Whether run `run` of the container crashes under the fault: a draw from (fault, pod, container, run). */
export function crashes(fault: ActiveFault, podUid: string, container: string, run: number): boolean {
	return fnv1a32(`${fault.id}/${podUid}/${container}/${run}`) / 2 ** 32 < (fault.rate ?? 1);
}

/** Default life of a crashing run. */
export const CRASH_AFTER_SECONDS = 5;

/** A one-line description (`NodeFailure of node node-2 for 1m0s`). */
export function describeFault(f: FaultSpec): string {
	const target =
		f.fault === 'ImageUnavailable' ? `image ${f.image}`
		: f.fault === 'PodCrashRate' ? `pods ${f.selector ? `matching ${f.selector} ` : ''}in namespace ${f.namespace ?? 'default'} (rate ${f.rate ?? 1})`
		: f.fault === 'NodeFull' ? `${f.resource ?? 'disk'} of node ${f.node}`
		: `node ${f.node}`;
	return `${f.fault} of ${target}${f.recoverAfterMs !== undefined ? ` for ${goDuration(f.recoverAfterMs)}` : ''}`;
}
