/**
 * The framework runtime (framework/runtime/framework.go): builds a profile's plugins, expands
 * multiPoint to the extension points each plugin implements, and runs the points with the real
 * rules — a PreFilter/PreScore Skip drops that plugin's Filter/Score for the cycle, Filter stops
 * at the first failing plugin, normalized scores must lie in [0, 100] and are multiplied by the
 * plugin's weight.
 *
 * @module
 */
import { Code, CycleState, MAX_NODE_SCORE, MIN_NODE_SCORE, Status, SUCCESS, type FrameworkHandle, type NodeScore, type Plugin, type PostFilterResult, type PreFilterResult } from './framework';
import { podKey, type NodeInfo } from './node-info';
import { podPriority } from './plugins/priority-sort';
import { EXTENSION_POINTS, type ExtensionPoint, type ProfileConfig } from './profile';
import { REGISTRY } from './registry';
import type { Pod } from './types';

const METHOD: Record<ExtensionPoint, keyof Plugin> = {
	preEnqueue: 'preEnqueue',
	queueSort: 'less',
	preFilter: 'preFilter',
	filter: 'filter',
	postFilter: 'postFilter',
	preScore: 'preScore',
	score: 'score',
	reserve: 'reserve',
	permit: 'permit',
	preBind: 'preBind',
	bind: 'bind'
};

/** The Go interface name of an extension point (`FilterPlugin`), as NewFramework's errors say it. */
export const pluginTypeName = (ep: string): string => `${ep[0].toUpperCase()}${ep.slice(1)}Plugin`;

export interface PreFilterOutcome {
	status: Status;
	/** Node names every node-limiting PreFilter allows (intersection); undefined = all. */
	nodeNames?: Set<string>;
	/** Plugins that returned a node subset (for the absent nodes' reason). */
	pluginsWithNodes: string[];
	skipped: string[];
}

export interface PluginScoreColumn {
	plugin: string;
	weight: number;
	/** Index-aligned with the scored nodes. */
	raw: number[];
	normalized: number[];
}

export interface ScoreOutcome {
	status: Status;
	columns: PluginScoreColumn[];
	/** Score plugins whose PreScore returned Skip. */
	skipped: string[];
	totals: number[];
}

/** Shared (frozen) failure statuses of a plugin, with its name: made once, not per node. */
const namedStatuses = new WeakMap<Status, Status>();
function named(s: Status, plugin: string): Status {
	if (!Object.isFrozen(s)) return s.withPlugin(plugin);
	let n = namedStatuses.get(s);
	if (n?.plugin !== plugin) namedStatuses.set(s, (n = Object.freeze(s.withPlugin(plugin)) as Status));
	return n;
}

export class Framework implements FrameworkHandle {
	readonly points: Record<ExtensionPoint, Plugin[]>;
	readonly weights = new Map<string, number>();

	constructor(readonly profile: ProfileConfig) {
		const instances = new Map<string, Plugin>();
		const instance = (name: string): Plugin => {
			let p = instances.get(name);
			if (p) return p;
			const factory = REGISTRY[name];
			if (!factory) throw new Error(`${pluginTypeName('preFilter')} "${name}" does not exist`);
			p = factory(profile.pluginConfig[name], profile.schedulerName);
			instances.set(name, p);
			return p;
		};
		const points = {} as Record<ExtensionPoint, Plugin[]>;
		for (const ep of EXTENSION_POINTS) points[ep] = this.expand(ep, instance);
		this.points = points;
		const scoreRefs = [...(profile.plugins.score?.enabled ?? []), ...profile.plugins.multiPoint.enabled];
		for (const ref of scoreRefs) {
			if (!instance(ref.name).score || this.weights.has(ref.name)) continue;
			this.weights.set(ref.name, ref.weight || 1); // weight 0 means "unset": 1
		}
		if (points.queueSort.length === 0) throw new Error('no queue sort plugin is enabled');
		if (points.queueSort.length > 1) throw new Error('only one queue sort plugin can be enabled');
		if (points.bind.length === 0) throw new Error('at least one bind plugin is needed');
	}

	/** expandMultiPointPlugins: explicit overrides first, then multiPoint, then the rest of the point's own list. */
	private expand(ep: ExtensionPoint, instance: (n: string) => Plugin): Plugin[] {
		const own = this.profile.plugins[ep];
		const enabled = (own?.enabled ?? []).map((p) => p.name);
		for (const n of enabled) if (!REGISTRY[n]) throw new Error(`${pluginTypeName(ep)} "${n}" does not exist`);
		for (const n of enabled) if (!instance(n)[METHOD[ep]]) throw new Error(`plugin "${n}" does not extend ${pluginTypeName(ep)} plugin`);
		const disabled = new Set((own?.disabled ?? []).map((p) => p.name));
		if (disabled.has('*')) return enabled.map(instance);
		const overrides: string[] = [];
		const multi: string[] = [];
		for (const ref of this.profile.plugins.multiPoint.enabled) {
			const p = instance(ref.name);
			if (!p[METHOD[ep]] || disabled.has(ref.name)) continue;
			if (enabled.includes(ref.name)) overrides.push(ref.name);
			else if (multi.includes(ref.name)) throw new Error(`plugin "${ref.name}" already registered as "${pluginTypeName(ep)}"`);
			else multi.push(ref.name);
		}
		const order = [...new Set([...overrides, ...multi, ...enabled])];
		return order.map(instance);
	}

	get name(): string {
		return this.profile.schedulerName;
	}

	get queueSort(): Plugin {
		return this.points.queueSort[0];
	}

	runPreEnqueue(pod: Pod): Status {
		for (const p of this.points.preEnqueue) {
			const s = p.preEnqueue!(pod);
			if (!s.isSuccess()) return s.withPlugin(p.name);
		}
		return SUCCESS;
	}

	runPreFilter(state: CycleState, pod: Pod): PreFilterOutcome {
		let nodeNames: Set<string> | undefined;
		const pluginsWithNodes: string[] = [];
		const skipped: string[] = [];
		for (const p of this.points.preFilter) {
			const out = p.preFilter!(state, pod);
			const r: PreFilterResult = out instanceof Status ? { status: out } : out;
			if (r.status.isSkip()) {
				skipped.push(p.name);
				state.skipFilterPlugins.add(p.name);
				state.activeFilters = undefined;
				continue;
			}
			if (!r.status.isSuccess()) {
				const s = r.status.isRejected() ? r.status : new Status(Code.Error, [`running PreFilter plugin "${p.name}": ${r.status.message()}`]);
				return { status: s.withPlugin(p.name), pluginsWithNodes: [p.name], skipped };
			}
			if (r.nodeNames) {
				pluginsWithNodes.push(p.name);
				nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => r.nodeNames!.has(n))) : new Set(r.nodeNames);
				if (nodeNames.size === 0) {
					const list = [...pluginsWithNodes].sort();
					const msg = list.length === 1 ? `node(s) didn't satisfy plugin ${list[0]}` : `node(s) didn't satisfy plugin(s) [${list.join(' ')}] simultaneously`;
					return { status: new Status(Code.UnschedulableAndUnresolvable, [msg], p.name), pluginsWithNodes, skipped };
				}
			}
		}
		return { status: SUCCESS, nodeNames, pluginsWithNodes, skipped };
	}

	runFilter(state: CycleState, pod: Pod, node: NodeInfo): Status {
		const filters = (state.activeFilters ??= this.points.filter.filter((p) => !state.skipFilterPlugins.has(p.name)));
		for (let i = 0; i < filters.length; i++) {
			const p = filters[i];
			const s = p.filter!(state, pod, node);
			if (!s.isSuccess()) return s.isRejected() ? named(s, p.name) : new Status(Code.Error, s.reasons, p.name);
		}
		return SUCCESS;
	}

	/**
	 * RunFilterPluginsWithNominatedPods: first with the pods nominated to this node at the same or
	 * higher priority counted as running there, then (if that passed) without them.
	 */
	runFilterWithNominatedPods(state: CycleState, pod: Pod, node: NodeInfo): Status {
		const candidates = state.snapshot.nominated.size > 0 ? state.snapshot.nominated.get(node.name) : undefined;
		if (!candidates) return this.runFilter(state, pod, node);
		const prio = podPriority(pod);
		const self = podKey(pod);
		const nominated = candidates.filter((pi) => podPriority(pi.pod) >= prio && podKey(pi.pod) !== self);
		if (nominated.length > 0) {
			const withPods = node.clone();
			for (const pi of nominated) withPods.addPod(pi);
			const s2 = new CycleState(state.snapshot.withNode(withPods));
			const pre = this.runPreFilter(s2, pod);
			const st = pre.status.isSuccess() ? this.runFilter(s2, pod, withPods) : pre.status;
			if (!st.isSuccess()) return st;
		}
		return this.runFilter(state, pod, node);
	}

	runPostFilter(state: CycleState, pod: Pod, statuses: Map<string, Status>): PostFilterResult & { plugin?: string } {
		let last: PostFilterResult & { plugin?: string } = { status: new Status(Code.Unschedulable) };
		for (const p of this.points.postFilter) {
			const r = p.postFilter!(state, pod, statuses, this);
			if (r.status.isSuccess()) return { ...r, plugin: p.name };
			if (!r.status.isRejected()) return { ...r, plugin: p.name };
			last = { ...r, plugin: p.name };
		}
		return last;
	}

	runPreScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
		for (const p of this.points.preScore) {
			const s = p.preScore!(state, pod, nodes);
			if (s.isSkip()) {
				state.skipScorePlugins.add(p.name);
				continue;
			}
			if (!s.isSuccess()) return new Status(Code.Error, [`running PreScore plugin "${p.name}": ${s.message()}`], p.name);
		}
		return SUCCESS;
	}

	runScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): ScoreOutcome {
		const n = nodes.length;
		const columns: PluginScoreColumn[] = [];
		const skipped: string[] = [];
		const totals = new Array<number>(n).fill(0);
		// One NodeScore per node, reused by every plugin (plugins keep no reference to them).
		const scores: NodeScore[] = new Array(n);
		for (let i = 0; i < n; i++) scores[i] = { name: nodes[i].name, score: 0 };
		for (const p of this.points.score) {
			if (state.skipScorePlugins.has(p.name)) {
				skipped.push(p.name);
				continue;
			}
			const raw = new Array<number>(n);
			for (let i = 0; i < n; i++) raw[i] = scores[i].score = p.score!(state, pod, nodes[i]);
			// Without NormalizeScore the normalized column is the raw one (columns are only read).
			let normalized = raw;
			if (p.normalizeScore) {
				p.normalizeScore(state, pod, scores);
				normalized = new Array<number>(n);
				for (let i = 0; i < n; i++) normalized[i] = scores[i].score;
			}
			const weight = this.weights.get(p.name) ?? 1;
			for (let i = 0; i < n; i++) {
				const v = normalized[i];
				if (v > MAX_NODE_SCORE || v < MIN_NODE_SCORE)
					return {
						status: new Status(Code.Error, [`plugin "${p.name}" returns an invalid score ${v}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`]),
						columns,
						skipped,
						totals
					};
				totals[i] += v * weight;
			}
			columns.push({ plugin: p.name, weight, raw, normalized });
		}
		return { status: SUCCESS, columns, skipped, totals };
	}

	/** Reserve in order; on a failure, Unreserve everything in reverse. */
	runReserve(state: CycleState, pod: Pod, nodeName: string): Status {
		for (const p of this.points.reserve) {
			const s = p.reserve!(state, pod, nodeName);
			if (!s.isSuccess()) {
				this.runUnreserve(state, pod, nodeName);
				return s.withPlugin(p.name);
			}
		}
		return SUCCESS;
	}

	runUnreserve(state: CycleState, pod: Pod, nodeName: string): void {
		for (const p of [...this.points.reserve].reverse()) p.unreserve?.(state, pod, nodeName);
	}

	runPermit(state: CycleState, pod: Pod, nodeName: string): Status {
		for (const p of this.points.permit) {
			const { status } = p.permit!(state, pod, nodeName);
			if (!status.isSuccess()) return status.withPlugin(p.name);
		}
		return SUCCESS;
	}

	runPreBind(state: CycleState, pod: Pod, nodeName: string): { status: Status; writes: NonNullable<ReturnType<NonNullable<Plugin['preBind']>>['writes']> } {
		const writes = [];
		for (const p of this.points.preBind) {
			const r = p.preBind!(state, pod, nodeName);
			if (!r.status.isSuccess()) return { status: r.status.withPlugin(p.name), writes };
			writes.push(...(r.writes ?? []));
		}
		return { status: SUCCESS, writes };
	}

	runBind(state: CycleState, pod: Pod, nodeName: string): ReturnType<NonNullable<Plugin['bind']>> & { plugin?: string } {
		for (const p of this.points.bind) {
			const r = p.bind!(state, pod, nodeName);
			if (r.status.isSkip()) continue;
			return { ...r, plugin: p.name };
		}
		return { status: new Status(Code.Error, ['no bind plugin bound the pod']) };
	}

	/** Score plugins with their weights, in execution order (for the UI and records). */
	scorePlugins(): Array<{ name: string; weight: number }> {
		return this.points.score.map((p) => ({ name: p.name, weight: this.weights.get(p.name) ?? 1 }));
	}
}

/** NewFramework for one profile; throws with the real wiring error messages. */
export function createFramework(profile: ProfileConfig): Framework {
	return new Framework(profile);
}
