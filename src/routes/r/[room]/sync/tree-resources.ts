/**
 * The kinds the Sync view's resource tree watches (the shell's budget is ~4 watches per view):
 * what declared workloads and Services own. Declared objects themselves come from the applier's
 * state, their children are found by owner name (src/lib/sync/tree.ts).
 */
import type { ResourceRef } from '$lib/controllers/types';
import { UI_RESOURCES } from '$lib/kube-client';

export const TREE_RESOURCES: ResourceRef[] = [
	UI_RESOURCES.replicasets,
	UI_RESOURCES.pods,
	{ group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true },
	UI_RESOURCES.endpointslices
];
