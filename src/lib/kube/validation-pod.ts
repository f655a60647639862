/**
 * Validation of pod specs (ValidatePodSpec in pkg/apis/core/validation): containers, ports,
 * env, volumes and mounts, resources, policies. Messages are kube-apiserver's.
 *
 * @module
 */
import { duplicate, invalid, notFound, notSupported, required, type FieldError } from './field-errors';
import { validateName } from './names';
import { quantityValue } from './quantity';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x) => x && typeof x === 'object') : []);
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** IsValidPortName's messages. */
export function portNameErrors(name: string): string[] {
	const errs: string[] = [];
	if (name.length > 15) errs.push('must be no more than 15 characters');
	if (!/^[-a-z0-9]+$/.test(name)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	if (name.includes('--')) errs.push("must not contain consecutive hyphens");
	if (!/[a-z]/.test(name)) errs.push('must contain at least one letter (a-z)');
	if (/^-|-$/.test(name)) errs.push('must not begin or end with a hyphen');
	return IANA_SVC_NAME.test(name) && !errs.length ? [] : errs;
}

/** `must be between 1 and 65535, inclusive` for a port number. */
export function validatePortNumber(port: unknown, field: string): FieldError[] {
	if (typeof port !== 'number' || port < 1 || port > 65535) return [invalid(field, port ?? 0, 'must be between 1 and 65535, inclusive')];
	return [];
}

function validateContainer(c: Obj, fld: string, volumes: Set<string>, errs: FieldError[]): void {
	if (!c.name) errs.push(required(`${fld}.name`));
	else for (const m of validateName(c.name, 'label')) errs.push(invalid(`${fld}.name`, c.name, m));
	if (!c.image || (typeof c.image === 'string' && !c.image.trim())) errs.push(required(`${fld}.image`));
	const portNames = new Set<string>();
	list(c.ports).forEach((p, i) => {
		const pf = `${fld}.ports[${i}]`;
		if (p.name) {
			for (const m of portNameErrors(p.name)) errs.push(invalid(`${pf}.name`, p.name, m));
			if (portNames.has(p.name)) errs.push(duplicate(`${pf}.name`, p.name));
			portNames.add(p.name);
		}
		if (p.containerPort === undefined) errs.push(required(`${pf}.containerPort`));
		else errs.push(...validatePortNumber(p.containerPort, `${pf}.containerPort`));
		if (p.hostPort !== undefined && p.hostPort !== 0) errs.push(...validatePortNumber(p.hostPort, `${pf}.hostPort`));
		if (p.protocol === undefined) errs.push(required(`${pf}.protocol`));
		else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${pf}.protocol`, p.protocol, PROTOCOLS));
	});
	list(c.env).forEach((e, i) => {
		if (!e.name) errs.push(required(`${fld}.env[${i}].name`));
	});
	list(c.volumeMounts).forEach((m, i) => {
		const mf = `${fld}.volumeMounts[${i}]`;
		if (!m.name) errs.push(required(`${mf}.name`));
		else if (!volumes.has(m.name)) errs.push(notFound(`${mf}.name`, m.name));
		if (!m.mountPath) errs.push(required(`${mf}.mountPath`));
	});
	const req: Obj = c.resources?.requests ?? {};
	const lim: Obj = c.resources?.limits ?? {};
	for (const [r, v] of Object.entries(req)) {
		if (lim[r] !== undefined && quantityValue(v) > quantityValue(lim[r]))
			errs.push(invalid(`${fld}.resources.requests`, String(v), `must be less than or equal to ${r} limit of ${String(lim[r])}`));
	}
	for (const [part, values] of [['requests', req] as const, ['limits', lim] as const]) {
		for (const [r, q] of Object.entries(values))
			if (quantityValue(q) < 0) errs.push(invalid(`${fld}.resources.${part}[${r}]`, String(q), 'must be greater than or equal to 0'));
	}
}

/** ValidatePodSpec at `fld` (`spec` or `spec.template.spec`); `restartPolicies` limits restartPolicy. */
export function validatePodSpec(spec: Obj | undefined, fld: string, restartPolicies?: string[]): FieldError[] {
	const errs: FieldError[] = [];
	if (!spec || typeof spec !== 'object') return [required(fld)];
	const volumes = new Set<string>();
	list(spec.volumes).forEach((v, i) => {
		const vf = `${fld}.volumes[${i}]`;
		if (!v.name) errs.push(required(`${vf}.name`));
		else {
			for (const m of validateName(v.name, 'label')) errs.push(invalid(`${vf}.name`, v.name, m));
			if (volumes.has(v.name)) errs.push(duplicate(`${vf}.name`, v.name));
			volumes.add(v.name);
		}
	});
	const containers = list(spec.containers);
	if (!containers.length) errs.push(required(`${fld}.containers`));
	const names = new Set<string>();
	const check = (c: Obj, cf: string) => {
		validateContainer(c, cf, volumes, errs);
		if (c.name) {
			if (names.has(c.name)) errs.push(duplicate(`${cf}.name`, c.name));
			names.add(c.name);
		}
	};
	list(spec.initContainers).forEach((c, i) => check(c, `${fld}.initContainers[${i}]`));
	containers.forEach((c, i) => check(c, `${fld}.containers[${i}]`));
	const restart = ['Always', 'Never', 'OnFailure'];
	if (spec.restartPolicy !== undefined && !restart.includes(spec.restartPolicy)) errs.push(notSupported(`${fld}.restartPolicy`, spec.restartPolicy, restart));
	else if (restartPolicies && spec.restartPolicy !== undefined && !restartPolicies.includes(spec.restartPolicy))
		errs.push(notSupported(`${fld}.restartPolicy`, spec.restartPolicy, restartPolicies));
	const dns = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
	if (spec.dnsPolicy !== undefined && !dns.includes(spec.dnsPolicy)) errs.push(notSupported(`${fld}.dnsPolicy`, spec.dnsPolicy, dns));
	if (typeof spec.terminationGracePeriodSeconds === 'number' && spec.terminationGracePeriodSeconds < 0)
		errs.push(invalid(`${fld}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
	if (typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds <= 0)
		errs.push(invalid(`${fld}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
	if (spec.nodeName) for (const m of validateName(spec.nodeName, 'subdomain')) errs.push(invalid(`${fld}.nodeName`, spec.nodeName, m));
	return errs;
}
