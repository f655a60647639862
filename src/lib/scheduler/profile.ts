/**
 * Scheduler configuration: a `KubeSchedulerConfiguration` (kubescheduler.config.k8s.io/v1)
 * object defaulted like the real one (apis/config/v1/defaults.go, default_plugins.go
 * mergePluginSet): the default multiPoint set, with the user's enabled plugins replacing
 * defaults in place (new weight, same position), disabled ones (or `*`) removed, and new ones
 * appended. Expansion to extension points happens in `runtime.ts`.
 *
 * @module
 */
import { DEFAULT_MULTI_POINT, type PluginRef } from './registry';

export const CONFIG_API_VERSION = 'kubescheduler.config.k8s.io/v1';
export const CONFIG_KIND = 'KubeSchedulerConfiguration';
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export const EXTENSION_POINTS = ['preEnqueue', 'queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'preBind', 'bind'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

export interface PluginSet {
	enabled: PluginRef[];
	disabled: PluginRef[];
}

export type PluginsConfig = { multiPoint: PluginSet } & Partial<Record<ExtensionPoint, PluginSet>>;

/** One profile after defaulting. */
export interface ProfileConfig {
	schedulerName: string;
	/** The profile's own value; undefined falls back to the configuration's. */
	percentageOfNodesToScore?: number;
	plugins: PluginsConfig;
	pluginConfig: Record<string, unknown>;
}

/** One validation error: the field it is about (for editors) and the scheduler's message. */
export interface ConfigError {
	field: string;
	message: string;
}

/** field.Error's text: `<field>: <type>: <value>: <detail>`. */
export const fieldError = (field: string, body: string): ConfigError => ({ field, message: `${field}: ${body}` });

export interface SchedulerConfig {
	/** 0 = adaptive (50 − nodes/125, at least 5%). */
	percentageOfNodesToScore: number;
	podInitialBackoffSeconds: number;
	podMaxBackoffSeconds: number;
	profiles: ProfileConfig[];
}

function mergePluginSet(defaults: PluginSet, custom: PluginSet | undefined): PluginSet {
	const disabled = [...(custom?.disabled ?? []), ...defaults.disabled];
	const off = new Set(disabled.map((p) => p.name));
	const customEnabled = custom?.enabled ?? [];
	const byName = new Map(customEnabled.map((p, i) => [p.name, i]));
	const replaced = new Set<number>();
	const enabled: PluginRef[] = [];
	if (!off.has('*'))
		for (const d of defaults.enabled) {
			if (off.has(d.name)) continue;
			const i = byName.get(d.name);
			if (i !== undefined) replaced.add(i);
			enabled.push(i !== undefined ? customEnabled[i] : d);
		}
	customEnabled.forEach((p, i) => {
		if (!replaced.has(i)) enabled.push(p);
	});
	return { enabled, disabled };
}

/** What Go's JSON decoder says when a value is not an int32 (config fields are int32). */
function notInt32(v: unknown, goField: string): string | undefined {
	if (Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31) return undefined;
	const what = typeof v === 'number' ? `number ${v}` : typeof v === 'string' ? 'string' : Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : 'object';
	return `json: cannot unmarshal ${what} into Go struct field ${goField} of type int32`;
}

function pluginSetOf(raw: unknown, path: string, errors: ConfigError[]): PluginSet | undefined {
	if (raw === undefined || raw === null) return undefined;
	if (typeof raw !== 'object' || Array.isArray(raw)) {
		errors.push({ field: path, message: `json: cannot unmarshal ${Array.isArray(raw) ? 'array' : typeof raw} into Go struct field Plugins.${path.replace(/\[\d+\]/g, '')} of type v1.PluginSet` });
		return undefined;
	}
	const r = raw as { enabled?: unknown; disabled?: unknown };
	const list = (x: unknown, p: string): PluginRef[] => {
		if (x === undefined || x === null) return [];
		if (!Array.isArray(x)) {
			errors.push({ field: p, message: `json: cannot unmarshal ${typeof x} into Go struct field PluginSet.${p.replace(/\[\d+\]/g, '')} of type []v1.Plugin` });
			return [];
		}
		return x.flatMap((e, i) => {
			if (!e || typeof e.name !== 'string' || !e.name) {
				errors.push(fieldError(`${p}[${i}].name`, 'Required value'));
				return [];
			}
			// No range check: any int32 weight is accepted (NewFramework only guards the int64 total).
			const bad = e.weight !== undefined && e.weight !== null ? notInt32(e.weight, `Plugin.${p.replace(/\[\d+\]/g, '')}.weight`) : undefined;
			if (bad) {
				errors.push({ field: `${p}[${i}].weight`, message: bad });
				return [];
			}
			return [{ name: e.name, ...(e.weight !== undefined ? { weight: e.weight } : {}) }];
		});
	};
	return { enabled: list(r.enabled, `${path}.enabled`), disabled: list(r.disabled, `${path}.disabled`) };
}

function percentage(v: unknown, path: string, errors: ConfigError[]): number | undefined {
	if (v === undefined || v === null) return undefined;
	const bad = notInt32(v, `KubeSchedulerConfiguration.${path.replace(/\[\d+\]/g, '')}`);
	if (bad) {
		errors.push({ field: path, message: bad });
		return undefined;
	}
	if ((v as number) < 0 || (v as number) > 100) {
		errors.push(fieldError(path, `Invalid value: ${v}: not in valid range [0-100]`));
		return undefined;
	}
	return v as number;
}

/** The default profile (`default-scheduler`, v1.32 plugins and weights). */
export function defaultProfileConfig(schedulerName = DEFAULT_SCHEDULER_NAME): ProfileConfig {
	return { schedulerName, plugins: { multiPoint: { enabled: [...DEFAULT_MULTI_POINT], disabled: [] } }, pluginConfig: {} };
}

function profileOf(raw: Record<string, unknown>, path: string, errors: ConfigError[]): ProfileConfig {
	// Defaulting fills a missing name; an explicit empty one is an error.
	const name = raw.schedulerName === undefined || raw.schedulerName === null ? DEFAULT_SCHEDULER_NAME : String(raw.schedulerName);
	if (!name) errors.push(fieldError(`${path}.schedulerName`, 'Required value'));
	const rawPlugins = (raw.plugins ?? {}) as Record<string, unknown>;
	const plugins: PluginsConfig = {
		multiPoint: mergePluginSet({ enabled: [...DEFAULT_MULTI_POINT], disabled: [] }, pluginSetOf(rawPlugins.multiPoint, `${path}.plugins.multiPoint`, errors))
	};
	for (const ep of EXTENSION_POINTS) {
		const set = pluginSetOf(rawPlugins[ep], `${path}.plugins.${ep}`, errors);
		if (set) plugins[ep] = mergePluginSet({ enabled: [], disabled: [] }, set);
	}
	const pluginConfig: Record<string, unknown> = {};
	const pc = raw.pluginConfig;
	if (pc !== undefined && pc !== null && !Array.isArray(pc))
		errors.push({ field: `${path}.pluginConfig`, message: `json: cannot unmarshal ${typeof pc} into Go struct field KubeSchedulerProfile.profiles.pluginConfig of type []v1.PluginConfig` });
	(Array.isArray(pc) ? pc : []).forEach((e: { name?: unknown; args?: unknown }, i) => {
		if (typeof e?.name !== 'string') errors.push(fieldError(`${path}.pluginConfig[${i}].name`, 'Required value'));
		else if (e.name in pluginConfig) errors.push(fieldError(`${path}.pluginConfig[${i}]`, `Duplicate value: "${e.name}"`));
		else pluginConfig[e.name] = e.args ?? {};
	});
	return { schedulerName: name, percentageOfNodesToScore: percentage(raw.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`, errors), plugins, pluginConfig };
}

/**
 * Defaults and checks a KubeSchedulerConfiguration object (already parsed from YAML). Errors
 * are field paths with kube-style messages; plugin wiring errors come from `createFramework`.
 */
export function parseSchedulerConfiguration(obj: unknown): { config: SchedulerConfig; errors: ConfigError[] } {
	const errors: ConfigError[] = [];
	const o = (obj ?? {}) as Record<string, unknown>;
	if (o.apiVersion !== CONFIG_API_VERSION) errors.push(fieldError('apiVersion', `Unsupported value: ${JSON.stringify(o.apiVersion ?? '')}: supported values: "${CONFIG_API_VERSION}"`));
	if (o.kind !== CONFIG_KIND) errors.push(fieldError('kind', `Unsupported value: ${JSON.stringify(o.kind ?? '')}: supported values: "${CONFIG_KIND}"`));
	const rawProfiles = Array.isArray(o.profiles) && o.profiles.length ? (o.profiles as Array<Record<string, unknown>>) : [{}];
	const profiles = rawProfiles.map((p, i) => profileOf(p ?? {}, `profiles[${i}]`, errors));
	const seen = new Set<string>();
	profiles.forEach((p, i) => {
		if (seen.has(p.schedulerName)) errors.push(fieldError(`profiles[${i}].schedulerName`, `Duplicate value: "${p.schedulerName}"`));
		seen.add(p.schedulerName);
	});
	const backoff = (v: unknown, def: number, path: string) => {
		if (v === undefined || v === null) return def;
		const bad = notInt32(v, `KubeSchedulerConfiguration.${path}`)?.replace('int32', 'int64');
		if (bad) {
			errors.push({ field: path, message: bad });
			return def;
		}
		return v as number;
	};
	const config: SchedulerConfig = {
		percentageOfNodesToScore: percentage(o.percentageOfNodesToScore, 'percentageOfNodesToScore', errors) ?? 0,
		podInitialBackoffSeconds: backoff(o.podInitialBackoffSeconds, 1, 'podInitialBackoffSeconds'),
		podMaxBackoffSeconds: backoff(o.podMaxBackoffSeconds, 10, 'podMaxBackoffSeconds'),
		profiles
	};
	if (o.parallelism !== undefined && o.parallelism !== null) {
		const bad = notInt32(o.parallelism, 'KubeSchedulerConfiguration.parallelism');
		if (bad) errors.push({ field: 'parallelism', message: bad });
		else if ((o.parallelism as number) <= 0) errors.push(fieldError('parallelism', `Invalid value: ${o.parallelism}: should be an integer value greater than zero`));
	}
	if (config.podInitialBackoffSeconds <= 0) errors.push(fieldError('podInitialBackoffSeconds', `Invalid value: ${config.podInitialBackoffSeconds}: must be greater than 0`));
	if (config.podMaxBackoffSeconds < config.podInitialBackoffSeconds)
		errors.push(fieldError('podMaxBackoffSeconds', `Invalid value: ${config.podMaxBackoffSeconds}: must be greater than or equal to PodInitialBackoffSeconds`));
	return { config, errors };
}

/** The configuration a room has before anyone writes one. */
export function defaultSchedulerConfig(): SchedulerConfig {
	return { percentageOfNodesToScore: 0, podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 10, profiles: [defaultProfileConfig()] };
}
