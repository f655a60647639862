/**
 * The cells of each kind's row in `kubectl get` (pkg/printers print<Kind> functions), in the
 * order of the column definitions in table-columns.ts.
 *
 * @module
 */
import { since } from './duration';
import { formatLabels, formatLabelSelectorObject } from './label-selector';
import { podRow, type RowCondition } from './table-pod';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type RowPrinter = (obj: Obj, now: number) => { cells: unknown[]; conditions?: RowCondition[] };

const name = (o: Obj): string => o.metadata?.name ?? '';
const age = (o: Obj, now: number) => since(o.metadata?.creationTimestamp, now);
const int = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Container names and images of a pod template, comma-joined. */
function containers(list: Obj[] | undefined): [string, string] {
	const cs = list ?? [];
	return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

function servicePorts(ports: Obj[] | undefined): string {
	const s = (ports ?? []).map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`)).join(',');
	return s || '<none>';
}

function loadBalancerIPs(status: Obj | undefined): string {
	const set = new Set<string>();
	for (const i of status?.ingress ?? []) if (i.ip) set.add(i.ip);
	else if (i.hostname) set.add(i.hostname);
	return [...set].join(',');
}

function externalIP(svc: Obj): string {
	const ext: string[] = svc.spec?.externalIPs ?? [];
	switch (svc.spec?.type) {
		case 'ClusterIP':
		case 'NodePort':
			return ext.length ? ext.join(',') : '<none>';
		case 'LoadBalancer': {
			const lb = loadBalancerIPs(svc.status?.loadBalancer);
			if (ext.length) return [...(lb ? lb.split(',') : []), ...ext].join(',');
			return lb || '<pending>';
		}
		case 'ExternalName':
			return svc.spec?.externalName ?? '';
	}
	return '<unknown>';
}

function nodeStatus(node: Obj): string {
	const ready = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
	const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
	if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
	return parts.join(',');
}

function nodeRoles(node: Obj): string {
	const roles = new Set<string>();
	for (const [k, v] of Object.entries<string>(node.metadata?.labels ?? {})) {
		if (k.startsWith('node-role.kubernetes.io/')) {
			const r = k.slice('node-role.kubernetes.io/'.length);
			if (r) roles.add(r);
		} else if (k === 'kubernetes.io/role' && v) roles.add(v);
	}
	return [...roles].sort().join(',') || '<none>';
}

const nodeAddress = (node: Obj, type: string): string => (node.status?.addresses ?? []).find((a: Obj) => a.type === type)?.address ?? '<none>';

function jobStatus(job: Obj): string {
	const has = (type: string) => (job.status?.conditions ?? []).some((c: Obj) => c.type === type && c.status === 'True');
	if (has('Complete')) return 'Complete';
	if (has('Failed')) return 'Failed';
	if (job.metadata?.deletionTimestamp) return 'Terminating';
	if (has('Suspended')) return 'Suspended';
	if (has('FailureTarget')) return 'FailureTarget';
	return 'Running';
}

function jobCompletions(job: Obj): string {
	const ok = int(job.status?.succeeded);
	if (typeof job.spec?.completions === 'number') return `${ok}/${job.spec.completions}`;
	const par = int(job.spec?.parallelism);
	return par > 1 ? `${ok}/1 of ${par}` : `${ok}/1`;
}

function jobDuration(job: Obj, now: number): string {
	const start = job.status?.startTime;
	if (!start) return '';
	const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now;
	return since(start, end);
}

function eventRow(e: Obj, now: number) {
	const first = e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
	let last = e.lastTimestamp ? since(e.lastTimestamp, now) : first;
	let count = int(e.count);
	if (e.series) {
		last = since(e.series.lastObservedTime, now);
		count = int(e.series.count);
	} else if (count === 0) count = 1;
	const io = e.involvedObject ?? {};
	const target = io.name ? `${String(io.kind ?? '').toLowerCase()}/${io.name}` : String(io.kind ?? '').toLowerCase();
	const component = e.source?.component || e.reportingComponent || '';
	const instance = e.source?.host || e.reportingInstance || '';
	const source = instance ? `${component}, ${instance}` : component;
	return [last, e.type ?? '', e.reason ?? '', target, io.fieldPath ?? '', source, String(e.message ?? '').trim(), first, count, name(e)];
}

function formatEndpoints(ep: Obj): string {
	const subsets: Obj[] = ep.subsets ?? [];
	if (!subsets.length) return '<none>';
	const list: string[] = [];
	let count = 0;
	for (const ss of subsets) {
		const addrs: Obj[] = ss.addresses ?? [];
		const ports: Obj[] = ss.ports ?? [];
		if (!ports.length) {
			count += addrs.length;
			for (const a of addrs) if (list.length < 3) list.push(a.ip);
			continue;
		}
		for (const p of ports) {
			count += addrs.length;
			for (const a of addrs) if (list.length < 3) list.push(a.ip.includes(':') ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`);
		}
	}
	return count > 3 ? `${list.join(',')} + ${count - 3} more...` : list.join(',');
}

function moreList(items: string[]): string {
	const shown = items.slice(0, 3).join(',');
	if (items.length > 3) return `${shown} + ${items.length - 3} more...`;
	return shown || '<unset>';
}

/** printDeployment's selector cell: the selector string, empty for none, `<invalid>` on error. */
function deploymentSelector(sel: Obj | undefined): string {
	const s = formatLabelSelectorObject(sel);
	return s === '<none>' ? '' : s === '<error>' ? '<invalid>' : s;
}

const intOrString = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));
const accessModes = (modes: string[] | undefined): string => {
	const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
	return (modes ?? []).map((m) => short[m]).filter(Boolean).join(',');
};

/** Row printers per `apiVersion/kind`; kinds not listed get the default (name, created at). */
export const ROWS: Record<string, RowPrinter> = {
	'v1/Pod': podRow,
	'apps/v1/Deployment': (o, now) => {
		const [cs, images] = containers(o.spec?.template?.spec?.containers);
		const ready = `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}`;
		return { cells: [name(o), ready, int(o.status?.updatedReplicas), int(o.status?.availableReplicas), age(o, now), cs, images, deploymentSelector(o.spec?.selector)] };
	},
	'apps/v1/ReplicaSet': (o, now) => {
		const [cs, images] = containers(o.spec?.template?.spec?.containers);
		return { cells: [name(o), int(o.spec?.replicas), int(o.status?.replicas), int(o.status?.readyReplicas), age(o, now), cs, images, formatLabelSelectorObject(o.spec?.selector)] };
	},
	'apps/v1/DaemonSet': (o, now) => {
		const [cs, images] = containers(o.spec?.template?.spec?.containers);
		const s = o.status ?? {};
		const cells = [name(o), int(s.desiredNumberScheduled), int(s.currentNumberScheduled), int(s.numberReady), int(s.updatedNumberScheduled), int(s.numberAvailable)];
		return { cells: [...cells, formatLabels(o.spec?.template?.spec?.nodeSelector), age(o, now), cs, images, formatLabelSelectorObject(o.spec?.selector)] };
	},
	'apps/v1/StatefulSet': (o, now) => {
		const [cs, images] = containers(o.spec?.template?.spec?.containers);
		return { cells: [name(o), `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}`, age(o, now), cs, images] };
	},
	'apps/v1/ControllerRevision': (o, now) => {
		// formatResourceName: the controller as lower-cased `kind.group/name`.
		const ref = (o.metadata?.ownerReferences ?? []).find((r: Obj) => r.controller === true);
		const group = ref ? String(ref.apiVersion).split('/').slice(0, -1).join('/') : '';
		const controller = ref ? `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}` : '<none>';
		return { cells: [name(o), controller, int(o.revision), age(o, now)] };
	},
	'batch/v1/Job': (o, now) => {
		const [cs, images] = containers(o.spec?.template?.spec?.containers);
		return { cells: [name(o), jobStatus(o), jobCompletions(o), jobDuration(o, now), age(o, now), cs, images, formatLabelSelectorObject(o.spec?.selector)] };
	},
	'batch/v1/CronJob': (o, now) => {
		const [cs, images] = containers(o.spec?.jobTemplate?.spec?.template?.spec?.containers);
		const last = o.status?.lastScheduleTime ? since(o.status.lastScheduleTime, now) : '<none>';
		const cells = [name(o), o.spec?.schedule ?? '', o.spec?.timeZone ?? '<none>', o.spec?.suspend === true, (o.status?.active ?? []).length, last, age(o, now)];
		return { cells: [...cells, cs, images, formatLabelSelectorObject(o.spec?.jobTemplate?.spec?.selector)] };
	},
	'v1/Service': (o, now) => {
		const ip = o.spec?.clusterIPs?.[0] ?? '<none>';
		return { cells: [name(o), o.spec?.type ?? '', ip, externalIP(o), servicePorts(o.spec?.ports), age(o, now), formatLabels(o.spec?.selector)] };
	},
	'v1/Node': (o, now) => {
		const info = o.status?.nodeInfo ?? {};
		const cells = [name(o), nodeStatus(o), nodeRoles(o), age(o, now), info.kubeletVersion ?? ''];
		const unknown = (v: unknown) => (v ? String(v) : '<unknown>');
		return { cells: [...cells, nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'), unknown(info.osImage), unknown(info.kernelVersion), unknown(info.containerRuntimeVersion)] };
	},
	'v1/Event': (o, now) => ({ cells: eventRow(o, now) }),
	'v1/Namespace': (o, now) => ({ cells: [name(o), o.status?.phase ?? '', age(o, now)] }),
	'v1/Secret': (o, now) => ({ cells: [name(o), o.type ?? '', Object.keys(o.data ?? {}).length, age(o, now)] }),
	'v1/ConfigMap': (o, now) => ({ cells: [name(o), Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o, now)] }),
	'v1/ServiceAccount': (o, now) => ({ cells: [name(o), (o.secrets ?? []).length, age(o, now)] }),
	'v1/Endpoints': (o, now) => ({ cells: [name(o), formatEndpoints(o), age(o, now)] }),
	'discovery.k8s.io/v1/EndpointSlice': (o, now) => {
		const ports = (o.ports ?? []).map((p: Obj) => (typeof p.port === 'number' ? String(p.port) : (p.name ?? '*')));
		const addrs = (o.endpoints ?? []).flatMap((e: Obj) => e.addresses ?? []);
		return { cells: [name(o), o.addressType ?? '', moreList(ports), moreList(addrs), age(o, now)] };
	},
	'coordination.k8s.io/v1/Lease': (o, now) => ({ cells: [name(o), o.spec?.holderIdentity ?? '', age(o, now)] }),
	'policy/v1/PodDisruptionBudget': (o, now) => ({
		cells: [name(o), intOrString(o.spec?.minAvailable), intOrString(o.spec?.maxUnavailable), int(o.status?.disruptionsAllowed), age(o, now)]
	}),
	'networking.k8s.io/v1/NetworkPolicy': (o, now) => ({ cells: [name(o), formatLabelSelectorObject(o.spec?.podSelector ?? {}), age(o, now)] }),
	'networking.k8s.io/v1/Ingress': (o, now) => {
		const rules: Obj[] = o.spec?.rules ?? [];
		const hosts = rules.map((r) => r.host).filter(Boolean) as string[];
		const h = hosts.length === 0 ? '*' : rules.length > 3 ? `${hosts.slice(0, 3).join(',')} + ${rules.length - 3} more...` : hosts.join(',');
		const ports = (o.spec?.tls ?? []).length ? '80, 443' : '80';
		return { cells: [name(o), o.spec?.ingressClassName ?? '<none>', h, loadBalancerIPs(o.status?.loadBalancer), ports, age(o, now)] };
	},
	'networking.k8s.io/v1/IngressClass': (o, now) => {
		const p = o.spec?.parameters;
		const params = p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name}` : '<none>';
		return { cells: [name(o), o.spec?.controller ?? '', params, age(o, now)] };
	},
	'v1/PersistentVolumeClaim': (o, now) => {
		const bound = !!o.spec?.volumeName;
		const phase = o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '');
		const sc = o.spec?.storageClassName ?? o.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
		const cap = bound ? String(o.status?.capacity?.storage ?? '') : '';
		const cells = [name(o), phase, o.spec?.volumeName ?? '', cap, bound ? accessModes(o.status?.accessModes) : '', sc];
		return { cells: [...cells, o.spec?.volumeAttributesClassName ?? '<unset>', age(o, now), o.spec?.volumeMode ?? '<unset>'] };
	},
	'v1/PersistentVolume': (o, now) => {
		const ref = o.spec?.claimRef;
		const phase = o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '');
		const sc = o.spec?.storageClassName ?? o.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
		const cells = [name(o), String(o.spec?.capacity?.storage ?? '0'), accessModes(o.spec?.accessModes), o.spec?.persistentVolumeReclaimPolicy ?? ''];
		const rest = [phase, ref ? `${ref.namespace ?? ''}/${ref.name ?? ''}` : '', sc, o.spec?.volumeAttributesClassName ?? '<unset>', o.status?.reason ?? ''];
		return { cells: [...cells, ...rest, age(o, now), o.spec?.volumeMode ?? '<unset>'] };
	},
	'storage.k8s.io/v1/StorageClass': (o, now) => {
		const isDefault = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'].some((a) => o.metadata?.annotations?.[a] === 'true');
		const n = isDefault ? `${name(o)} (default)` : name(o);
		return { cells: [n, o.provisioner ?? '', o.reclaimPolicy ?? 'Delete', o.volumeBindingMode ?? 'Immediate', o.allowVolumeExpansion === true, age(o, now)] };
	},
	'storage.k8s.io/v1/CSINode': (o, now) => ({ cells: [name(o), (o.spec?.drivers ?? []).length, age(o, now)] }),
	'storage.k8s.io/v1/CSIDriver': (o, now) => {
		const s = o.spec ?? {};
		const tokens = s.tokenRequests ? s.tokenRequests.map((t: Obj) => t.audience).join(',') : '<unset>';
		const modes = (s.volumeLifecycleModes ?? []).join(',') || '<none>';
		return { cells: [name(o), s.attachRequired ?? true, s.podInfoOnMount ?? false, s.storageCapacity ?? false, tokens, s.requiresRepublish ?? false, modes, age(o, now)] };
	},
	'scheduling.k8s.io/v1/PriorityClass': (o, now) => ({ cells: [name(o), int(o.value), o.globalDefault === true, age(o, now), o.preemptionPolicy ?? ''] }),
	'v1/ResourceQuota': (o, now) => {
		const hard: Record<string, string> = o.status?.hard ?? {};
		const used: Record<string, string> = o.status?.used ?? {};
		const req: string[] = [];
		const lim: string[] = [];
		for (const r of Object.keys(hard).sort()) (r.split('.')[0] === 'limits' && r.includes('.') ? lim : req).push(`${r}: ${used[r] ?? '0'}/${hard[r]}`);
		return { cells: [name(o), age(o, now), req.join(', '), lim.join(', ')] };
	}
};

/** The default row: name and creation time as RFC 3339. */
export const defaultRow: RowPrinter = (o) => ({ cells: [name(o), o.metadata?.creationTimestamp ?? '0001-01-01T00:00:00Z'] });
