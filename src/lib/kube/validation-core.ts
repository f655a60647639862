/**
 * Validation of core kinds other than pods (pkg/apis/core/validation): Services, ConfigMaps,
 * Secrets, Nodes, Namespaces, PodDisruptionBudgets, Ingresses; and their update rules
 * (`spec.clusterIPs[0]: Invalid value: []string{...}: may not change once set`, immutable
 * ConfigMaps and Secret types).
 *
 * @module
 */
import { duplicate, forbidden, GoValue, invalid, notSupported, required, type FieldError } from './field-errors';
import { deepEqual } from './json-patch';
import { labelValueErrors, qualifiedNameErrors, regexError } from './qualified-names';
import { portNameErrors, validatePortNumber } from './validation-pod';
import { validateName } from './names';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x) => x && typeof x === 'object') : []);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateService(svc: Obj): FieldError[] {
	const spec = svc.spec ?? {};
	const errs: FieldError[] = [];
	const type = spec.type ?? 'ClusterIP';
	if (!SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', type, SERVICE_TYPES));
	const ports = list(spec.ports);
	if (type === 'ExternalName') {
		if (!spec.externalName) errs.push(required('spec.externalName'));
	} else if (!ports.length && spec.clusterIP !== 'None') errs.push(required('spec.ports'));
	const names = new Set<string>();
	ports.forEach((p, i) => {
		const pf = `spec.ports[${i}]`;
		if (ports.length > 1 && !p.name) errs.push(required(`${pf}.name`));
		if (p.name) {
			for (const m of validateName(p.name, 'label')) errs.push(invalid(`${pf}.name`, p.name, m));
			if (names.has(p.name)) errs.push(duplicate(`${pf}.name`, p.name));
			names.add(p.name);
		}
		errs.push(...validatePortNumber(p.port, `${pf}.port`));
		if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${pf}.protocol`, p.protocol, PROTOCOLS));
		if (typeof p.targetPort === 'number') errs.push(...validatePortNumber(p.targetPort, `${pf}.targetPort`));
		else if (typeof p.targetPort === 'string') for (const m of portNameErrors(p.targetPort)) errs.push(invalid(`${pf}.targetPort`, p.targetPort, m));
		if (p.nodePort !== undefined && p.nodePort !== 0) {
			if (type !== 'NodePort' && type !== 'LoadBalancer') errs.push(forbidden(`${pf}.nodePort`, 'may not be used when `type` is \'ClusterIP\''));
			else errs.push(...validatePortNumber(p.nodePort, `${pf}.nodePort`));
		}
	});
	if (spec.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIP !== 'None' && !IPV4.test(spec.clusterIP))
		errs.push(invalid('spec.clusterIPs[0]', spec.clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
	const affinities = ['ClientIP', 'None'];
	if (spec.sessionAffinity !== undefined && !affinities.includes(spec.sessionAffinity)) errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, affinities));
	errs.push(...validateLabels(spec.selector, 'spec.selector'));
	return errs;
}

/** ValidateLabels: keys and values of a label map, reported at `fld`. */
export function validateLabels(labels: Record<string, unknown> | undefined, fld: string): FieldError[] {
	const errs: FieldError[] = [];
	for (const [k, v] of Object.entries(labels ?? {})) {
		for (const m of qualifiedNameErrors(k)) errs.push(invalid(fld, k, m));
		for (const m of labelValueErrors(String(v))) errs.push(invalid(fld, v, m));
	}
	return errs;
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
function validateConfigKeys(data: Obj | undefined, fld: string): FieldError[] {
	const errs: FieldError[] = [];
	for (const k of Object.keys(data ?? {})) {
		if (!CONFIG_KEY.test(k))
			errs.push(invalid(`${fld}[${k}]`, k, regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", '[-._a-zA-Z0-9]+', 'key.name', 'KEY_NAME', 'key-name')));
		if (k.length > 253) errs.push(invalid(`${fld}[${k}]`, k, 'must be no more than 253 characters'));
		if (k === '.' || k === '..' || k.startsWith('..')) errs.push(invalid(`${fld}[${k}]`, k, k === '.' || k === '..' ? `must not be '${k}'` : "must not start with '..'"));
	}
	return errs;
}

const MAX_CONFIG_BYTES = 1024 * 1024;

function validateConfigMap(cm: Obj): FieldError[] {
	const errs = [...validateConfigKeys(cm.data, 'data'), ...validateConfigKeys(cm.binaryData, 'binaryData')];
	for (const k of Object.keys(cm.data ?? {})) if (k in (cm.binaryData ?? {})) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
	const size = JSON.stringify(cm.data ?? {}).length + JSON.stringify(cm.binaryData ?? {}).length;
	if (size > MAX_CONFIG_BYTES) errs.push(invalid('', new GoValue(`"<omitted>"`), `must have at most ${MAX_CONFIG_BYTES} bytes`));
	return errs;
}

function validateSecret(s: Obj): FieldError[] {
	const errs = validateConfigKeys(s.data, 'data');
	const data = s.data ?? {};
	if (s.type === 'kubernetes.io/tls') for (const k of ['tls.crt', 'tls.key']) if (!(k in data)) errs.push(required(`data[${k}]`));
	if (s.type === 'kubernetes.io/dockerconfigjson' && !('.dockerconfigjson' in data)) errs.push(required('data[.dockerconfigjson]'));
	if (s.type === 'kubernetes.io/basic-auth' && !('username' in data) && !('password' in data)) errs.push(required('data[username]'));
	if (s.type === 'kubernetes.io/ssh-auth' && !('ssh-privatekey' in data)) errs.push(required('data[ssh-privatekey]'));
	return errs;
}

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

function validateNode(n: Obj): FieldError[] {
	const errs: FieldError[] = [];
	const seen = new Set<string>();
	list(n.spec?.taints).forEach((t, i) => {
		const tf = `spec.taints[${i}]`;
		for (const m of qualifiedNameErrors(t.key ?? '')) errs.push(invalid(`${tf}.key`, t.key ?? '', m));
		if (!t.effect) errs.push(required(`${tf}.effect`));
		else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported(`${tf}.effect`, t.effect, TAINT_EFFECTS));
		const id = `${t.key}:${t.effect}`;
		if (seen.has(id)) errs.push(duplicate(`${tf}`, new GoValue(`core.Taint{Key:${JSON.stringify(t.key)}, Value:${JSON.stringify(t.value ?? '')}, Effect:${JSON.stringify(t.effect)}, TimeAdded:<nil>}`)));
		seen.add(id);
	});
	return errs;
}

function validatePDB(pdb: Obj): FieldError[] {
	const spec = pdb.spec ?? {};
	const errs: FieldError[] = [];
	if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined)
		errs.push(invalid('spec', new GoValue('policy.PodDisruptionBudgetSpec{...}'), 'minAvailable and maxUnavailable cannot be both set'));
	return errs;
}

function validateIngress(ing: Obj): FieldError[] {
	const errs: FieldError[] = [];
	const types = ['Exact', 'ImplementationSpecific', 'Prefix'];
	list(ing.spec?.rules).forEach((r, i) =>
		list(r.http?.paths).forEach((p, j) => {
			const pf = `spec.rules[${i}].http.paths[${j}]`;
			if (!p.pathType) errs.push(required(`${pf}.pathType`, 'pathType must be specified'));
			else if (!types.includes(p.pathType)) errs.push(notSupported(`${pf}.pathType`, p.pathType, types));
		})
	);
	return errs;
}

/** The classes kube-apiserver creates itself; `system-` names are theirs alone. */
export const SYSTEM_PRIORITY_CLASSES = [
	{ name: 'system-node-critical', value: 2_000_001_000, description: 'Used for system critical pods that must not be moved from their current node.' },
	{ name: 'system-cluster-critical', value: 2_000_000_000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' }
];

/** scheduling.HighestUserDefinablePriority */
const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;

function validatePriorityClass(pc: Obj): FieldError[] {
	const name: string = pc.metadata?.name ?? '';
	if (name.startsWith('system-')) {
		const known = SYSTEM_PRIORITY_CLASSES.find((s) => s.name === name);
		const why = !known
			? `${name} is not a known system priority class`
			: pc.value !== known.value
				? `value of ${name} PriorityClass must be ${known.value}`
				: pc.globalDefault
					? `globalDefault of ${name} PriorityClass must be false`
					: '';
		return why ? [forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: ${why}`)] : [];
	}
	if (pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) return [forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`)];
	return [];
}

/** Create-time validation of core kinds, by `apiVersion/kind`. */
export const CORE_VALIDATORS: Record<string, (o: Obj) => FieldError[]> = {
	'v1/Service': validateService,
	'v1/ConfigMap': validateConfigMap,
	'v1/Secret': validateSecret,
	'v1/Node': validateNode,
	'policy/v1/PodDisruptionBudget': validatePDB,
	'networking.k8s.io/v1/Ingress': validateIngress,
	'scheduling.k8s.io/v1/PriorityClass': validatePriorityClass
};

const immutable = (field: string, a: unknown, b: unknown, value: unknown = a): FieldError[] =>
	deepEqual(a, b) ? [] : [invalid(field, value ?? null, 'field is immutable')];

/** Update rules of core kinds. */
export const CORE_UPDATE_VALIDATORS: Record<string, (o: Obj, old: Obj) => FieldError[]> = {
	'v1/Service': (o, old) => {
		const errs: FieldError[] = [];
		if (o.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return errs;
		const now: string[] = o.spec?.clusterIPs ?? [];
		const before: string[] = old.spec?.clusterIPs ?? [];
		const goIPs = new GoValue(`[]string{${now.map((s) => JSON.stringify(s)).join(', ')}}`);
		if (before.length && !now.length) errs.push(invalid('spec.clusterIPs[0]', goIPs, 'primary clusterIP can not be unset'));
		else before.forEach((ip, i) => {
			if (now[i] !== undefined && now[i] !== ip) errs.push(invalid(`spec.clusterIPs[${i}]`, goIPs, 'may not change once set'));
		});
		return errs;
	},
	'v1/ConfigMap': (o, old) => {
		if (old.immutable !== true) return [];
		const errs: FieldError[] = [];
		if (!deepEqual(o.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
		if (!deepEqual(o.binaryData, old.binaryData)) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
		if (o.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
		return errs;
	},
	'v1/Secret': (o, old) => {
		const errs = immutable('type', o.type, old.type);
		if (old.immutable === true) {
			if (!deepEqual(o.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
			if (o.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
		}
		return errs;
	},
	'scheduling.k8s.io/v1/PriorityClass': (o, old) => [
		...(o.value !== old.value ? [forbidden('value', 'may not be changed in an update.')] : []),
		...immutable('preemptionPolicy', o.preemptionPolicy, old.preemptionPolicy)
	],
	'v1/PersistentVolumeClaim': (o, old) => {
		const strip = (s: Obj) => ({ ...(s ?? {}), resources: undefined, volumeName: undefined, volumeAttributesClassName: undefined });
		if (deepEqual(strip(o.spec), strip(old.spec))) return [];
		return [forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims')];
	}
};
