/**
 * `kubectl cordon`, `uncordon` and `drain` over any `KubeClient`, with kubectl's filters and
 * wording (k8s.io/kubectl/pkg/drain): DaemonSet pods are refused unless ignored, mirror pods are
 * skipped, pods with emptyDir need `deleteEmptyDirData`, pods without a controller need `force`.
 * Pods go through the eviction API, so PodDisruptionBudgets hold: a 429 is retried every 5 s,
 * as kubectl does, until the budget allows it or the drain is cancelled.
 *
 * @module
 */
import { controllerRef, isNotFound, RESOURCES, type KubeClient, type KubeObject, type ResourceRef } from '../controllers/types';
import { ApiError } from '../controllers/types';

const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false };

export interface DrainOptions {
	/** `--force`: also delete pods that declare no controller. */
	force?: boolean;
	/** `--ignore-daemonsets` */
	ignoreDaemonSets?: boolean;
	/** `--delete-emptydir-data` */
	deleteEmptyDirData?: boolean;
	/** Lines of output, as kubectl prints them. */
	log?: (line: string) => void;
	/** Cancels waiting (retries and deletions). */
	signal?: AbortSignal;
	/** Wall-clock wait (tests replace it). */
	sleep?: (ms: number) => Promise<void>;
}

/** Wait between eviction retries and deletion polls (ms; kubectl's are 5 s and 1 s). */
export const DRAIN = { retryMs: 5000, pollMs: 1000 };

const nsName = (p: KubeObject) => `${p.metadata.namespace}/${p.metadata.name}`;

/** Sets `spec.unschedulable` (`true` = cordon); returns kubectl's line. */
export async function setCordoned(client: KubeClient, node: KubeObject, cordon: boolean): Promise<string> {
	const name = node.metadata.name!;
	if (!!node.spec?.unschedulable === cordon) return `node/${name} already ${cordon ? 'cordoned' : 'uncordoned'}`;
	await client.patch(NODES, undefined, name, 'strategic', { spec: { unschedulable: cordon ? true : null } });
	return `node/${name} ${cordon ? 'cordoned' : 'uncordoned'}`;
}

export interface DrainPlan {
	evict: KubeObject[];
	/** `Warning:` parts (`ignoring DaemonSet-managed Pods: ns/a`). */
	warnings: string[];
	/** Refusals (`cannot delete Pods that declare no controller (use --force to override): ns/a`). */
	errors: string[];
}

/** kubectl drain's pod filters, in its order; a pod refused by one filter is not evicted. */
export function planDrain(pods: readonly KubeObject[], o: DrainOptions = {}): DrainPlan {
	const groups = new Map<string, { fatal: boolean; pods: string[] }>();
	const note = (msg: string, fatal: boolean, p: KubeObject) => {
		const g = groups.get(msg) ?? { fatal, pods: [] };
		g.pods.push(nsName(p));
		groups.set(msg, g);
	};
	const evict: KubeObject[] = [];
	for (const p of pods) {
		const finished = p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
		const owner = controllerRef(p);
		if (owner?.kind === 'DaemonSet') {
			if (o.ignoreDaemonSets) note('ignoring DaemonSet-managed Pods', false, p);
			else note('cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)', true, p);
			continue;
		}
		if (p.metadata.annotations?.['kubernetes.io/config.mirror']) continue;
		const refusals: Array<[string, string, boolean]> = [];
		if (!finished && (p.spec?.volumes ?? []).some((v: { emptyDir?: unknown }) => v.emptyDir)) {
			refusals.push(['cannot delete Pods with local storage (use --delete-emptydir-data to override)', 'deleting Pods with local storage', !!o.deleteEmptyDirData]);
		}
		if (!finished && !owner) refusals.push(['cannot delete Pods that declare no controller (use --force to override)', 'deleting Pods that declare no controller', !!o.force]);
		const blocked = refusals.find(([, , allowed]) => !allowed);
		if (blocked) {
			note(blocked[0], true, p);
			continue;
		}
		for (const [, warning] of refusals) note(warning, false, p);
		evict.push(p);
	}
	const list = (fatal: boolean) => [...groups].filter(([, g]) => g.fatal === fatal).map(([msg, g]) => `${msg}: ${g.pods.join(', ')}`);
	return { evict, warnings: list(false), errors: list(true) };
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
	new Promise<void>((resolve) => {
		const t = setTimeout(resolve, ms);
		signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
	});

/**
 * Cordons `nodeName`, evicts its pods (concurrently, like kubectl) and waits until they are gone.
 * Resolves `true` when the node is drained, `false` when refused or cancelled.
 */
export async function drainNode(client: KubeClient, nodeName: string, o: DrainOptions = {}): Promise<boolean> {
	const log = o.log ?? (() => {});
	const sleep = o.sleep ?? ((ms: number) => defaultSleep(ms, o.signal));
	const node = await client.get(NODES, undefined, nodeName);
	log(await setCordoned(client, node, true));
	const { items } = await client.list(RESOURCES.pods, { fieldSelector: `spec.nodeName=${nodeName}` });
	const plan = planDrain(items, o);
	if (plan.errors.length) {
		const errs = plan.errors.length === 1 ? plan.errors[0] : `[${plan.errors.join(', ')}]`;
		log(`error: unable to drain node "${nodeName}" due to error: ${errs}, continuing command...`);
		log(`There are pending nodes to be drained:\n ${nodeName}\n${plan.errors.join('\n')}`);
		return false;
	}
	if (plan.warnings.length) log(`Warning: ${plan.warnings.join('; ')}`);
	const results = await Promise.all(plan.evict.map((p) => evictAndWait(client, p, log, sleep, o.signal)));
	if (!results.every(Boolean)) return false;
	log(`node/${nodeName} drained`);
	return true;
}

async function evictAndWait(client: KubeClient, pod: KubeObject, log: (l: string) => void, sleep: (ms: number) => Promise<void>, signal?: AbortSignal): Promise<boolean> {
	const { namespace, name, uid } = pod.metadata;
	log(`evicting pod ${namespace}/${name}`);
	const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } };
	for (;;) {
		if (signal?.aborted) return false;
		try {
			await client.post(RESOURCES.pods, namespace, name!, 'eviction', eviction);
			break;
		} catch (e) {
			if (isNotFound(e)) return true;
			if (!(e instanceof ApiError) || e.code !== 429) throw e;
			log(`error when evicting pods/"${name}" -n "${namespace}" (will retry after 5s): ${e.message}`);
			await sleep(DRAIN.retryMs);
		}
	}
	// Gone, or replaced by a pod of the same name (a StatefulSet's): either way this one is evicted.
	for (;;) {
		const cur = await client.get(RESOURCES.pods, namespace, name!).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
		if (!cur || cur.metadata.uid !== uid) break;
		if (signal?.aborted) return false;
		await sleep(DRAIN.pollMs);
	}
	log(`pod/${name} evicted`);
	return true;
}
