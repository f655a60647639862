/**
 * DefaultBinder (plugins/defaultbinder): binds by POSTing a Binding to `pods/<name>/binding`.
 * The pure core only produces that object; the shell sends it.
 *
 * @module
 */
import { SUCCESS, type Plugin } from '../framework';
import type { Binding, Pod } from '../types';

export const NAME = 'DefaultBinder';

export function bindingFor(pod: Pod, nodeName: string): Binding {
	return {
		apiVersion: 'v1',
		kind: 'Binding',
		metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace ?? 'default', ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}) },
		target: { kind: 'Node', name: nodeName }
	};
}

export function create(): Plugin {
	return {
		name: NAME,
		bind(_state, pod, nodeName) {
			return { status: SUCCESS, binding: bindingFor(pod, nodeName) };
		}
	} satisfies Plugin;
}
