/**
 * Loading a KubeSchedulerConfiguration the way kube-scheduler does at startup
 * (cmd/kube-scheduler/app/options/configfile.go, apis/config/validation/validation.go and
 * validation_pluginargs.go, framework/runtime/framework.go): strict decoding (unknown fields
 * are errors), defaulting, validation with the real field paths and messages, then every
 * profile's framework built, whose wiring errors read like the binary's
 * `initializing profiles: creating profile for scheduler name …: …`. Every error carries the
 * field it is about, so an editor can point at the line.
 *
 * @module
 */
import { EXTENSION_POINTS, fieldError, parseSchedulerConfiguration, type ConfigError, type ExtensionPoint, type ProfileConfig, type SchedulerConfig } from './profile';
import { REGISTRY } from './registry';
import { createFramework, pluginTypeName, type Framework } from './runtime';

/** Known fields of kubescheduler.config.k8s.io/v1 (strict decoding rejects the rest). */
const SET = { enabled: 'plugins', disabled: 'plugins' } as const;
type Shape = { [field: string]: Shape | 'any' | 'plugins' | 'pluginConfig' | 'profiles' };
const PLUGIN_SETS: Shape = Object.fromEntries([...EXTENSION_POINTS, 'postBind', 'multiPoint'].map((ep) => [ep, SET]));
const PROFILE: Shape = { schedulerName: 'any', percentageOfNodesToScore: 'any', plugins: PLUGIN_SETS, pluginConfig: 'pluginConfig' };
const TOP: Shape = {
	apiVersion: 'any',
	kind: 'any',
	parallelism: 'any',
	leaderElection: 'any',
	clientConnection: 'any',
	enableProfiling: 'any',
	enableContentionProfiling: 'any',
	healthzBindAddress: 'any',
	metricsBindAddress: 'any',
	percentageOfNodesToScore: 'any',
	podInitialBackoffSeconds: 'any',
	podMaxBackoffSeconds: 'any',
	profiles: 'profiles',
	extenders: 'any',
	delayCacheUntilActive: 'any'
};
/** Args fields per plugin (the v1 *Args types); `kind`/`apiVersion` may be written too. */
const ARGS: Record<string, Shape> = {
	NodeResourcesFit: { ignoredResources: 'any', ignoredResourceGroups: 'any', scoringStrategy: { type: 'any', resources: 'any', requestedToCapacityRatio: { shape: 'any' } } },
	NodeResourcesBalancedAllocation: { resources: 'any' },
	InterPodAffinity: { hardPodAffinityWeight: 'any', ignorePreferredTermsOfExistingPods: 'any' },
	PodTopologySpread: { defaultConstraints: 'any', defaultingType: 'any' },
	DefaultPreemption: { minCandidateNodesPercentage: 'any', minCandidateNodesAbsolute: 'any' },
	NodeAffinity: { addedAffinity: 'any' },
	VolumeBinding: { bindTimeoutSeconds: 'any', shape: 'any' }
};

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Strict decoding: every field the v1 types do not have, as `strict decoding error: unknown field "a.b[0].c"`. */
function unknownFields(obj: unknown): ConfigError[] {
	const out: ConfigError[] = [];
	const walk = (v: unknown, shape: Shape, path: string) => {
		if (!isObject(v)) return;
		for (const [k, child] of Object.entries(v)) {
			const p = path ? `${path}.${k}` : k;
			const s = shape[k];
			if (s === undefined) out.push({ field: p, message: `strict decoding error: unknown field "${p}"` });
			else if (s === 'profiles') (Array.isArray(child) ? child : []).forEach((pr, i) => walk(pr, PROFILE, `${p}[${i}]`));
			else if (s === 'plugins') (Array.isArray(child) ? child : []).forEach((pl, i) => walk(pl, { name: 'any', weight: 'any' }, `${p}[${i}]`));
			else if (s === 'pluginConfig')
				(Array.isArray(child) ? child : []).forEach((pc, i) => {
					walk(pc, { name: 'any', args: 'any' }, `${p}[${i}]`);
					const args = ARGS[(pc as { name?: string })?.name ?? ''];
					if (args) walk((pc as { args?: unknown }).args, { ...args, kind: 'any', apiVersion: 'any' }, `${p}[${i}].args`);
				});
			else if (s !== 'any') walk(child, s, p);
		}
	};
	walk(obj, TOP, '');
	return out;
}

/** Plugins removed from kubescheduler.config.k8s.io/v1 (validation.go invalidPluginsByVersion). */
const REMOVED_PLUGINS = new Set(['AzureDiskLimits', 'CinderLimits', 'EBSLimits', 'GCEPDLimits']);
const V1 = '"kubescheduler.config.k8s.io/v1"';
const removed = (field: string, name: string) => fieldError(field, `Invalid value: "${name}": was invalid in version ${V1} (KubeSchedulerConfiguration is version ${V1})`);

const num = (v: unknown, def: number): number => (typeof v === 'number' ? v : def);
const quoteList = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ');

/** validation_pluginargs.go, for the args of one plugin; `path` is `profiles[i].pluginConfig[j].args`. */
function argsErrors(name: string, raw: unknown, path: string): ConfigError[] {
	const a = (isObject(raw) ? raw : {}) as Record<string, unknown>;
	const out: ConfigError[] = [];
	switch (name) {
		case 'DefaultPreemption': {
			const pct = num(a.minCandidateNodesPercentage, 10);
			const abs = num(a.minCandidateNodesAbsolute, 100);
			if (pct < 0 || pct > 100) out.push(fieldError(`${path}.minCandidateNodesPercentage`, `Invalid value: ${pct}: not in valid range [0, 100]`));
			if (abs < 0) out.push(fieldError(`${path}.minCandidateNodesAbsolute`, `Invalid value: ${abs}: not in valid range [0, inf)`));
			if (pct === 0 && abs === 0)
				out.push(
					fieldError(`${path}.minCandidateNodesPercentage`, 'Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute'),
					fieldError(`${path}.minCandidateNodesAbsolute`, 'Invalid value: 0: cannot be zero at the same time as minCandidateNodesPercentage')
				);
			break;
		}
		case 'InterPodAffinity': {
			const w = num(a.hardPodAffinityWeight, 1);
			if (w < 0 || w > 100) out.push(fieldError(`${path}.hardPodAffinityWeight`, `Invalid value: ${w}: not in valid range [0, 100]`));
			break;
		}
		case 'NodeResourcesBalancedAllocation': {
			const seen = new Set<string>();
			(Array.isArray(a.resources) ? a.resources : []).forEach((r: { name?: string; weight?: number }, i) => {
				if (seen.has(r?.name ?? '')) out.push(fieldError(`${path}.resources[${i}].name`, `Duplicate value: "${r.name}"`));
				seen.add(r?.name ?? '');
				if (num(r?.weight, 1) !== 1) out.push(fieldError(`${path}.resources[${i}].weight`, `Invalid value: ${r.weight}: must be 1`));
			});
			break;
		}
		case 'PodTopologySpread': {
			const type = (a.defaultingType as string | undefined) ?? 'System';
			const constraints = Array.isArray(a.defaultConstraints) ? (a.defaultConstraints as Array<Record<string, unknown>>) : [];
			if (type !== 'System' && type !== 'List') out.push(fieldError(`${path}.defaultingType`, `Unsupported value: "${type}": supported values: "System", "List"`));
			else if (type === 'System' && constraints.length > 0) out.push(fieldError(`${path}.defaultingType`, `Invalid value: "System": when .defaultConstraints are not empty`));
			constraints.forEach((c, i) => {
				const p = `${path}.defaultConstraints[${i}]`;
				if (num(c.maxSkew, 0) <= 0) out.push(fieldError(`${p}.maxSkew`, `Invalid value: ${num(c.maxSkew, 0)}: not in valid range (0, inf)`));
				if (!c.topologyKey) out.push(fieldError(`${p}.topologyKey`, 'Required value: can not be empty'));
				if (!c.whenUnsatisfiable) out.push(fieldError(`${p}.whenUnsatisfiable`, 'Required value: can not be empty'));
				else if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway')
					out.push(fieldError(`${p}.whenUnsatisfiable`, `Unsupported value: "${c.whenUnsatisfiable}": supported values: "DoNotSchedule", "ScheduleAnyway"`));
				if (c.labelSelector) out.push(fieldError(`${p}.labelSelector`, 'Forbidden: constraint must not define a selector, as they deduced for each pod'));
				const dup = constraints.slice(0, i).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable);
				if (dup) out.push(fieldError(`${path}.defaultConstraints[${i}]`, `Duplicate value: "{${c.topologyKey}, ${c.whenUnsatisfiable}}"`));
			});
			break;
		}
		case 'VolumeBinding':
			if (num(a.bindTimeoutSeconds, 600) < 0)
				out.push(fieldError(`${path}.bindTimeoutSeconds`, `Invalid value: ${a.bindTimeoutSeconds}: invalid BindTimeoutSeconds, should not be a negative value`));
			if (a.shape !== undefined) out.push(fieldError(`${path}.shape`, 'Invalid value: unexpected field `shape`, remove it or turn on the feature gate StorageCapacityScoring'));
			break;
	}
	return out;
}

const STRATEGIES = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];

/**
 * NewFit validates its own args (ValidateNodeResourcesFitArgs with a nil path), so its errors
 * name `scoringStrategy.type`, not the full path; `field` keeps the full one for the editor.
 */
function fitArgsErrors(raw: unknown, path: string): ConfigError[] {
	const a = (isObject(raw) ? raw : {}) as Record<string, unknown>;
	const out: ConfigError[] = [];
	const err = (rel: string, body: string) => out.push({ field: `${path}.${rel}`, message: `${rel}: ${body}` });
	(Array.isArray(a.ignoredResourceGroups) ? a.ignoredResourceGroups : []).forEach((g: string, i) => {
		if (String(g).includes('/')) err(`ignoredResourceGroups[${i}]`, `Invalid value: "${g}": resource group name can't contain '/'`);
	});
	const s = a.scoringStrategy;
	if (!isObject(s)) return out;
	const type = (s.type as string | undefined) ?? 'LeastAllocated';
	if (!STRATEGIES.includes(type)) err('scoringStrategy.type', `Unsupported value: "${type}": supported values: ${quoteList(STRATEGIES)}`);
	(Array.isArray(s.resources) ? s.resources : []).forEach((r: { name?: string; weight?: number }, i) => {
		const w = num(r?.weight, 0);
		if (w <= 0 || w > 100) err(`scoringStrategy.resources[${i}].weight`, `Invalid value: ${w}: resource weight of ${r?.name} not in valid range (0, 100]`);
	});
	const rtc = s.requestedToCapacityRatio as { shape?: Array<{ utilization?: number; score?: number }> } | undefined;
	if (type === 'RequestedToCapacityRatio') {
		if (!rtc) err('scoringStrategy.requestedToCapacityRatio', 'Required value: must be specified when type is RequestedToCapacityRatio');
		else {
			const shape = rtc.shape ?? [];
			const p = 'scoringStrategy.requestedToCapacityRatio.shape';
			if (shape.length === 0) err(p, 'Required value: at least one point must be specified');
			for (let i = 1; i < shape.length; i++)
				if (num(shape[i - 1].utilization, 0) >= num(shape[i].utilization, 0)) {
					err(`${p}[${i}].utilization`, `Invalid value: ${num(shape[i].utilization, 0)}: values must be sorted in increasing order`);
					break;
				}
			shape.forEach((pt, i) => {
				const u = num(pt.utilization, 0);
				const sc = num(pt.score, 0);
				if (u < 0 || u > 100) err(`${p}[${i}].utilization`, `Invalid value: ${u}: not in valid range [0, 100]`);
				if (sc < 0 || sc > 10) err(`${p}[${i}].score`, `Invalid value: ${sc}: not in valid range [0, 10]`);
			});
		}
	} else if (rtc) err('scoringStrategy.requestedToCapacityRatio', 'Forbidden: must be nil when type is not RequestedToCapacityRatio');
	return out;
}

/** NewFramework checks the explicit points first (its getExtensionPoints order), then multiPoint. */
const CHECK_ORDER: ExtensionPoint[] = ['preFilter', 'filter', 'postFilter', 'reserve', 'preScore', 'score', 'preBind', 'bind', 'permit', 'preEnqueue', 'queueSort'];

/** ValidateKubeSchedulerConfiguration's part about one profile: removed plugins and plugin args. */
function profileErrors(raw: Record<string, unknown>, i: number): ConfigError[] {
	const path = `profiles[${i}]`;
	const errors: ConfigError[] = [];
	const plugins = (isObject(raw.plugins) ? raw.plugins : {}) as Record<string, { enabled?: Array<{ name?: string }> }>;
	for (const ep of [...EXTENSION_POINTS, 'multiPoint'])
		(plugins[ep]?.enabled ?? []).forEach((e, j) => {
			if (e?.name && REMOVED_PLUGINS.has(e.name)) errors.push(removed(`${path}.plugins.${ep}.enabled[${j}]`, e.name));
		});
	pluginConfigs(raw).forEach((pc, j) => {
		const at = `${path}.pluginConfig[${j}]`;
		if (pc?.name && REMOVED_PLUGINS.has(pc.name)) errors.push(removed(at, pc.name));
		else if (pc?.name) errors.push(...argsErrors(pc.name, pc.args, `${at}.args`));
	});
	return errors;
}

const pluginConfigs = (raw: Record<string, unknown>) => (Array.isArray(raw.pluginConfig) ? (raw.pluginConfig as Array<{ name?: string; args?: unknown }>) : []);

/** NewFramework for one profile: plugin factories (NewFit checks its args), then the plugin lists. */
function buildFramework(raw: Record<string, unknown>, p: ProfileConfig, i: number): { error?: ConfigError[]; framework?: Framework } {
	const path = `profiles[${i}]`;
	// scheduler.New wraps the error like this; the binary prints it and exits.
	const wrap = (field: string, msg: string): ConfigError => ({ field, message: `initializing profiles: creating profile for scheduler name ${p.schedulerName}: ${msg}` });
	const pcs = pluginConfigs(raw);
	const fitAt = pcs.findIndex((pc) => pc?.name === 'NodeResourcesFit');
	if (fitAt >= 0) {
		const fit = fitArgsErrors(pcs[fitAt].args, `${path}.pluginConfig[${fitAt}].args`);
		if (fit.length) return { error: fit.map((e) => wrap(e.field, `initializing plugin "NodeResourcesFit": ${e.message}`)) };
	}
	const plugins = (isObject(raw.plugins) ? raw.plugins : {}) as Record<string, { enabled?: Array<{ name?: string }> }>;
	const unknown = (ep: string) => (plugins[ep]?.enabled ?? []).findIndex((e) => e?.name && !REGISTRY[e.name]);
	for (const ep of CHECK_ORDER) {
		const j = unknown(ep);
		if (j >= 0) return { error: [wrap(`${path}.plugins.${ep}.enabled[${j}]`, `${pluginTypeName(ep)} "${plugins[ep]!.enabled![j].name}" does not exist`)] };
	}
	const mj = unknown('multiPoint');
	if (mj >= 0) return { error: [wrap(`${path}.plugins.multiPoint.enabled[${mj}]`, `${pluginTypeName(CHECK_ORDER[0])} "${plugins.multiPoint!.enabled![mj].name}" does not exist`)] };
	try {
		return { framework: createFramework(p) };
	} catch (e) {
		return { error: [wrap(`${path}.plugins`, (e as Error).message)] };
	}
}

export interface LoadedConfiguration {
	/** Set when there are no errors. */
	config?: SchedulerConfig;
	frameworks?: Map<string, Framework>;
	errors: ConfigError[];
}

/** Decodes (strictly), defaults, validates and wires a KubeSchedulerConfiguration object. */
export function loadSchedulerConfiguration(obj: unknown): LoadedConfiguration {
	const strict = unknownFields(obj);
	if (strict.length) return { errors: strict };
	const { config, errors } = parseSchedulerConfiguration(obj);
	const raws = (isObject(obj) && Array.isArray(obj.profiles) && obj.profiles.length ? obj.profiles : [{}]).map((r) => (isObject(r) ? r : {}));
	raws.forEach((r, i) => errors.push(...profileErrors(r, i)));
	// validateCommonQueueSort: every profile sorts the one queue the same way.
	const qs = (p: ProfileConfig) => JSON.stringify(p.plugins.queueSort ?? null);
	config.profiles.forEach((p, i) => {
		if (i > 0 && qs(p) !== qs(config.profiles[0])) errors.push(fieldError(`profiles[${i}].plugins.queueSort`, `Invalid value: ${qs(p)}: must be the same for all profiles`));
	});
	if (errors.length) return { errors };
	const frameworks = new Map<string, Framework>();
	for (const [i, p] of config.profiles.entries()) {
		const out = buildFramework(raws[i], p, i);
		if (out.error) return { errors: out.error };
		frameworks.set(p.schedulerName, out.framework!);
	}
	return { config, frameworks, errors: [] };
}
