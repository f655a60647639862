/**
 * ImageLocality (plugins/imagelocality): favours nodes that already have the pod's images, by
 * size, scaled by how widely the image is spread (so one node with it does not attract every pod).
 *
 * @module
 */
import { MAX_NODE_SCORE, type Plugin } from '../framework';
import { idiv } from '../helpers';
import { NO_IMAGES, type NodeInfo } from '../node-info';
import type { Pod } from '../types';

export const NAME = 'ImageLocality';
const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** normalizedImageName: `:latest` when the name has no tag after its last `/`. */
export function normalizedImageName(name: string): string {
	return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

/** The pod's init and app container images, normalized (memoized per pod object: objects are never mutated). */
const podImages = new WeakMap<Pod, string[]>();
function imagesOf(pod: Pod): string[] {
	let names = podImages.get(pod);
	if (!names) {
		names = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].map((c) => (c.image ? normalizedImageName(c.image) : ''));
		podImages.set(pod, names);
	}
	return names;
}

/** Σ over init and app containers of size × (nodes having it / all nodes), truncated per image. */
export function sumImageScores(node: NodeInfo, pod: Pod, totalNumNodes: number): number {
	if (node.imageStates === NO_IMAGES || node.imageStates.size === 0) return 0;
	let sum = 0;
	for (const name of imagesOf(pod)) {
		const st = name ? node.imageStates.get(name) : undefined;
		if (st) sum += Math.trunc(st.size * (st.numNodes / totalNumNodes));
	}
	return sum;
}

/** calculatePriority: clamp to [23 MiB, 1000 MiB × containers], then scale to [0, 100]. */
export function imageScore(sum: number, numContainers: number): number {
	const max = MAX_CONTAINER_THRESHOLD * numContainers;
	const s = Math.min(Math.max(sum, MIN_THRESHOLD), max);
	return idiv(MAX_NODE_SCORE * (s - MIN_THRESHOLD), max - MIN_THRESHOLD);
}

export function create(): Plugin {
	return {
		name: NAME,
		score(state, pod, node) {
			const n = (pod.spec.initContainers?.length ?? 0) + (pod.spec.containers?.length ?? 0);
			return imageScore(sumImageScores(node, pod, state.snapshot.nodes.length), n);
		}
	} satisfies Plugin;
}
