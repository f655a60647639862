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

function pluginSetOf(raw: unknown, path: string, errors: string[]): PluginSet | undefined {
	if (raw === undefined || raw === null) return undefined;
	if (typeof raw !== 'object') {
		errors.push(`${path}: Invalid value: must be an object`);
		return undefined;
	}
	const r = raw as { enabled?: unknown; disabled?: unknown };
	const list = (x: unknown, p: string): PluginRef[] => {
		if (x === undefined || x === null) return [];
		if (!Array.isArray(x)) {
			errors.push(`${p}: Invalid value: must be a list`);
			return [];
		}
		return x.flatMap((e, i) => {
			if (!e || typeof e.name !== 'string' || !e.name) {
				errors.push(`${p}[${i}].name: Required value`);
				return [];
			}
			if (e.weight !== undefined && (!Number.isInteger(e.weight) || e.weight < 0 || e.weight > 100)) {
				errors.push(`${p}[${i}].weight: Invalid value: ${JSON.stringify(e.weight)}: must be in the range [0, 100]`);
				return [];
			}
			return [{ name: e.name, ...(e.weight !== undefined ? { weight: e.weight } : {}) }];
		});
	};
	return { enabled: list(r.enabled, `${path}.enabled`), disabled: list(r.disabled, `${path}.disabled`) };
}

function percentage(v: unknown, path: string, errors: string[]): number | undefined {
	if (v === undefined || v === null) return undefined;
	if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 100) {
		errors.push(`${path}: Invalid value: ${JSON.stringify(v)}: not in valid range [0-100]`);
		return undefined;
	}
	return v as number;
}

/** The default profile (`default-scheduler`, v1.32 plugins and weights). */
export function defaultProfileConfig(schedulerName = DEFAULT_SCHEDULER_NAME): ProfileConfig {
	return { schedulerName, plugins: { multiPoint: { enabled: [...DEFAULT_MULTI_POINT], disabled: [] } }, pluginConfig: {} };
}

function profileOf(raw: Record<string, unknown>, path: string, errors: string[]): ProfileConfig {
	const name = typeof raw.schedulerName === 'string' && raw.schedulerName ? raw.schedulerName : DEFAULT_SCHEDULER_NAME;
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
	if (pc !== undefined && !Array.isArray(pc)) errors.push(`${path}.pluginConfig: Invalid value: must be a list`);
	(Array.isArray(pc) ? pc : []).forEach((e: { name?: unknown; args?: unknown }, i) => {
		if (typeof e?.name !== 'string') errors.push(`${path}.pluginConfig[${i}].name: Required value`);
		else if (e.name in pluginConfig) errors.push(`${path}.pluginConfig[${i}]: Duplicate value: "${e.name}"`);
		else pluginConfig[e.name] = e.args ?? {};
	});
	return { schedulerName: name, percentageOfNodesToScore: percentage(raw.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`, errors), plugins, pluginConfig };
}

/**
 * Defaults and checks a KubeSchedulerConfiguration object (already parsed from YAML). Errors
 * are field paths with kube-style messages; plugin wiring errors come from `createFramework`.
 */
export function parseSchedulerConfiguration(obj: unknown): { config: SchedulerConfig; errors: string[] } {
	const errors: string[] = [];
	const o = (obj ?? {}) as Record<string, unknown>;
	if (o.apiVersion !== CONFIG_API_VERSION) errors.push(`apiVersion: Unsupported value: ${JSON.stringify(o.apiVersion)}: supported values: "${CONFIG_API_VERSION}"`);
	if (o.kind !== CONFIG_KIND) errors.push(`kind: Unsupported value: ${JSON.stringify(o.kind)}: supported values: "${CONFIG_KIND}"`);
	const rawProfiles = Array.isArray(o.profiles) && o.profiles.length ? (o.profiles as Array<Record<string, unknown>>) : [{}];
	const profiles = rawProfiles.map((p, i) => profileOf(p ?? {}, `profiles[${i}]`, errors));
	const seen = new Set<string>();
	profiles.forEach((p, i) => {
		if (seen.has(p.schedulerName)) errors.push(`profiles[${i}].schedulerName: Duplicate value: "${p.schedulerName}"`);
		seen.add(p.schedulerName);
	});
	const backoff = (v: unknown, def: number, path: string) => {
		if (v === undefined) return def;
		if (!Number.isInteger(v) || (v as number) <= 0) {
			errors.push(`${path}: Invalid value: ${JSON.stringify(v)}: must be greater than 0`);
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
	if (config.podMaxBackoffSeconds < config.podInitialBackoffSeconds)
		errors.push(`podMaxBackoffSeconds: Invalid value: ${config.podMaxBackoffSeconds}: must be greater than or equal to PodInitialBackoffSeconds`);
	return { config, errors };
}

/** The configuration a room has before anyone writes one. */
export function defaultSchedulerConfig(): SchedulerConfig {
	return { percentageOfNodesToScore: 0, podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 10, profiles: [defaultProfileConfig()] };
}
