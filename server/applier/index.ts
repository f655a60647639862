/**
 * The applier (controller `applier`): applies the room's files to its cluster with server-side
 * apply, one field manager per file (`converge:<path>`), in sync waves, and reports sync and
 * health per object to everyone (`{type:'sync'}` room events). An API client like the other
 * controllers: it reads the files' analysis from the room and the live objects through informers.
 *
 * Modes (room settings): auto-sync (~500 ms after edits pause; only files without errors, and
 * only objects whose manifest changed or that are not live), prune (delete what left the files;
 * otherwise "would prune"), self-heal (re-apply with force when a declared field drifts live).
 *
 * @module
 */
import { Controller } from '../../src/lib/controllers/controller';
import type { HoldableClock } from '../../src/lib/controllers/workqueue';
import { ApiError, isNotFound, type KubeObject, type ResourceRef } from '../../src/lib/controllers/types';
import type { AnalysisEvent, SyncEvent, SyncObjectState, SyncSettings } from '../../src/lib/collab/protocol';
import { fileTexts } from '../../src/lib/collab/files';
import { objectKey } from '../../src/lib/kube/analyze';
import type { ParsedObject } from '../../src/lib/kube/manifest';
import { manifestOf, managerOf, nextInventory, planApply, SOURCE_ANNOTATION, type ApplyPlan, type ApplyStep, type DesiredObject, type ObjectRef } from '../../src/lib/sync/apply-plan';
import type { ControllerContext, ControllerDefinition } from '../controllers/runtime/context';
import type { Room } from '../rooms/room';
import { assess, type Assessment } from './assess';
import { SourceAttribution } from './attribution';
import { applyDiagnostics, duplicateDiagnostics, heldDiagnostic, type ApplyFailure } from './diagnostics';
import { ApplyHistory } from './history';
import { Inventory } from './inventory';
import { previewStep } from './preview';
import { LiveObjects } from './live';
import { CRD_RESOURCE } from './resources';
import { DEFAULT_SETTINGS, type ApplierHandle, type HistoryEntry, type PreviewItem, type SyncPreview, type SyncRequest } from './types';

/** Tunables (wall time: the pause of a person typing, not simulated time). */
export const APPLIER = {
	autoSyncDelayMs: 500,
	/** Sync events are sent at most this often. */
	publishIntervalMs: 250,
	/** Parallel applies inside a wave. */
	concurrency: 16,
	/** How long a wave waits for the CRDs of its custom resources to become Established. */
	crdWaitMs: 10_000,
	/** A drifted object is healed at most this often. */
	healIntervalMs: 1_000,
	/** Differences per object in a sync event. */
	maxDifferences: 50
};

const AUTO = 'auto';
const HEAL = 'heal:';

/** Runs `fn` over `items` with at most `limit` in flight. */
async function eachLimit<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await fn(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Files whose own diagnostics (not the applier's) have errors: held back. */
function heldFiles(a: AnalysisEvent): Set<string> {
	const out = new Set<string>();
	for (const [path, list] of Object.entries(a.diagnostics)) if (list.some((d) => d.severity === 'error' && d.source !== 'apply')) out.add(path);
	return out;
}

function desiredOf(o: ParsedObject): DesiredObject {
	const { apiVersion, kind, namespace, name, path, doc, line, object } = o;
	return { key: objectKey(o), apiVersion, kind, ...(namespace !== undefined ? { namespace } : {}), name, path, doc, line, object };
}


class ApplierController extends Controller {
	constructor(
		clock: HoldableClock,
		sync: (key: string) => Promise<void>,
		log: (m: string) => void,
		private readonly cleanup: () => void
	) {
		super(clock, { name: 'applier', sync, log });
	}

	override async stop(): Promise<void> {
		this.cleanup();
		await super.stop();
	}
}

export class Applier implements ApplierHandle {
	readonly controller: ApplierController;
	private readonly live: LiveObjects;
	private readonly inventory: Inventory;
	private readonly revisions: ApplyHistory;
	/** Who last edited each object's source (per object, from the edits' Yjs transactions). */
	private readonly attribution: SourceAttribution;
	/** Last failed apply per object key. */
	private readonly errors = new Map<string, ApplyFailure>();
	/** Last applied manifest (JSON) and the resourceVersion it produced, per object key. */
	private readonly applied = new Map<string, { json: string; manifest: Record<string, unknown>; rv?: string }>();
	private readonly healedAt = new Map<string, number>();
	/**
	 * Per declaration (the analyzer keeps a file's parsed objects while its text is unchanged):
	 * its manifest and JSON, and the last assessment with the live resourceVersion it saw, so an
	 * edit of one object does not redo the work of the other 499.
	 */
	private readonly memo = new WeakMap<object, { at: string; manifest: Record<string, unknown>; json: string; rv?: string; a?: Assessment }>();
	private lastSync: SyncEvent['lastSync'];
	private chain: Promise<unknown> = Promise.resolve();
	private editTimer: ReturnType<typeof setTimeout> | undefined;
	private publishTimer: ReturnType<typeof setTimeout> | undefined;
	private stopped = false;
	private diagnosticsJson = '{}';
	private published = '';
	private readonly unsubscribe: () => void;

	constructor(
		private readonly ctx: ControllerContext,
		private readonly room: Room
	) {
		this.inventory = new Inventory(ctx.client);
		this.revisions = new ApplyHistory(room.store);
		this.attribution = new SourceAttribution(room.doc, (origin) => room.editorName(origin));
		this.controller = new ApplierController(ctx.clock, (k) => this.reconcile(k), ctx.log, () => this.close());
		const declaredCrds = () => room.currentObjects().filter((p) => p.kind === 'CustomResourceDefinition').map((p) => p.object);
		this.live = new LiveObjects(ctx.client, ctx.clock, ctx.log, declaredCrds, (r, o) => this.onLive(r, o));
		this.unsubscribe = room.onAnalysis((a, objects) => this.onAnalysis(a, objects));
		room.applier = this;
		this.ensureInformers();
		void this.inventory.load().then(
			() => {
				this.ensureInformers();
				this.schedulePublish();
			},
			(e: Error) => ctx.log(`applier: reading the inventory failed: ${e.message}`)
		);
		if (this.settings().autoSync) this.controller.queue.add(AUTO);
	}

	// ---- ApplierHandle ----

	settings(): SyncSettings {
		return { ...DEFAULT_SETTINGS, ...this.room.meta.sync };
	}

	updateSettings(patch: Partial<SyncSettings>): SyncEvent {
		const before = this.settings();
		const next = { ...before, ...patch };
		this.room.meta.sync = next;
		// Turning a mode on acts at once, like Argo CD enabling automated sync.
		if ((next.autoSync && !before.autoSync) || (next.autoSync && next.prune && !before.prune)) this.controller.queue.add(AUTO);
		if (next.selfHeal && !before.selfHeal) for (const key of this.applied.keys()) this.checkDrift(key);
		this.publishNow();
		return this.state();
	}

	sync(req: SyncRequest): Promise<SyncEvent | SyncPreview> {
		return this.serial(() => this.runSync('manual', req));
	}

	history(key: string): Promise<HistoryEntry[]> {
		return this.revisions.list(key);
	}

	state(): SyncEvent {
		const settings = this.settings();
		const objects: SyncObjectState[] = [];
		const declared = new Set<string>();
		const held = heldFiles(this.room.currentAnalysis());
		for (const o of this.room.currentObjects()) {
			const d = desiredOf(o);
			declared.add(d.key);
			const { live, known } = this.live.get(d);
			const a = known ? this.assessDeclared(d, live) : undefined;
			const err = this.errors.get(d.key);
			objects.push({
				key: d.key,
				apiVersion: d.apiVersion,
				kind: d.kind,
				...(d.namespace !== undefined ? { namespace: d.namespace } : {}),
				name: d.name,
				path: d.path,
				doc: d.doc,
				line: d.line,
				sync: a?.sync ?? 'Unknown',
				health: a?.health ?? { status: 'Unknown' },
				...(err ? { applyError: err.message } : {}),
				...(held.has(d.path) ? { skipped: `${d.path} has errors; the cluster keeps its last applied state` } : {}),
				...(this.attribution.get(d.key) ? { lastEditedBy: this.attribution.get(d.key) } : {}),
				liveManagers: a?.managers ?? [],
				differences: (a?.differences ?? []).slice(0, APPLIER.maxDifferences)
			});
		}
		for (const r of this.inventory.current()) {
			if (declared.has(r.key)) continue;
			const { live, known } = this.live.get(r);
			if (known && !live) continue;
			const a = known ? assess(undefined, live) : undefined;
			objects.push({
				...r,
				line: 0,
				sync: 'Extraneous',
				health: a?.health ?? { status: 'Unknown' },
				...(held.has(r.path) ? { skipped: `${r.path} has errors; the cluster keeps its last applied state` } : { wouldPrune: !settings.prune }),
				liveManagers: a?.managers ?? [],
				differences: []
			});
		}
		const summary = { sync: {} as Record<string, number>, health: {} as Record<string, number> };
		for (const o of objects) {
			summary.sync[o.sync] = (summary.sync[o.sync] ?? 0) + 1;
			summary.health[o.health.status] = (summary.health[o.health.status] ?? 0) + 1;
		}
		return { type: 'sync', settings, ...(this.lastSync ? { lastSync: this.lastSync } : {}), summary, objects };
	}

	// ---- reconcile ----

	private async reconcile(key: string): Promise<void> {
		if (this.stopped) return;
		if (key === AUTO) {
			if (!this.settings().autoSync) return;
			await this.serial(() => this.runSync('auto', {}));
		} else if (key.startsWith(HEAL)) await this.serial(() => this.heal(key.slice(HEAL.length)));
	}

	/** One sync at a time (auto, manual, heal), in arrival order. */
	private serial<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.chain.then(fn, fn);
		this.chain = run.catch(() => {});
		return run;
	}

	private plan(req: SyncRequest): Promise<{ plan: ApplyPlan; inventory: ObjectRef[] }> {
		const desired = this.room.currentObjects().map(desiredOf);
		const heldSet = heldFiles(this.room.currentAnalysis());
		return this.inventory.load().then((inventory) => ({
			inventory,
			plan: planApply({
				desired,
				inventory,
				heldFiles: heldSet,
				prune: req.prune ?? this.settings().prune,
				manifest: (d) => this.memoOf(d).manifest,
				...(req.objects ? { only: new Set(req.objects) } : {})
			})
		}));
	}

	private async runSync(trigger: 'auto' | 'manual', req: SyncRequest): Promise<SyncEvent | SyncPreview> {
		const { plan, inventory } = await this.plan(req);
		if (req.dryRun) return this.preview(plan);
		if (trigger === 'auto') await this.recallApplied(plan);
		const applied = new Set<string>();
		/** Unchanged since their last apply and live: in the inventory as they are. */
		const current = new Set<string>();
		const pruned = new Set<string>();
		let failed = 0;
		for (const wave of plan.waves) {
			await this.live.awaitEstablished(wave.map((s) => s.ref), APPLIER.crdWaitMs, () => this.stopped);
			// Auto-sync applies only what changed (or is not live); a manual sync applies all it was asked.
			const todo: ApplyStep[] = [];
			for (const s of wave) {
				if (trigger === 'manual' || this.needsApply(s)) todo.push(s);
				else current.add(s.ref.key);
			}
			await eachLimit(todo, APPLIER.concurrency, async (s) => {
				if (await this.applyStep(s, false)) applied.add(s.ref.key);
				else failed++;
			});
		}
		for (const p of plan.prune) if (p.action === 'prune' && (await this.prune(p.ref))) pruned.add(p.ref.key);
		// Errors of objects no longer declared (or of files now held) go away with them.
		const declared = new Set(this.room.currentObjects().map((o) => objectKey(o)));
		for (const key of this.errors.keys()) if (!declared.has(key)) this.errors.delete(key);
		await this.inventory.save(nextInventory(plan, inventory, new Set([...applied, ...current]), pruned)).catch((e: Error) => this.ctx.log(`applier: saving the inventory failed: ${e.message}`));
		const editors = [...this.room.lastEditors.values()];
		const triggeredBy = req.triggeredBy ?? (trigger === 'auto' ? editors[editors.length - 1] : undefined);
		this.lastSync = {
			time: new Date().toISOString(),
			trigger,
			...(triggeredBy ? { triggeredBy } : {}),
			result: failed ? 'Failed' : 'Succeeded',
			applied: applied.size,
			pruned: pruned.size,
			failed
		};
		this.refreshDiagnostics();
		this.publishNow();
		return this.state();
	}

	private memoOf(d: DesiredObject): { at: string; manifest: Record<string, unknown>; json: string; rv?: string; a?: Assessment } {
		const at = `${d.path}#${d.doc}`;
		let m = this.memo.get(d.object);
		if (!m || m.at !== at) {
			const manifest = manifestOf(d);
			this.memo.set(d.object, (m = { at, manifest, json: JSON.stringify(manifest) }));
			this.jsons.set(manifest, m.json);
		}
		return m;
	}

	private readonly jsons = new WeakMap<object, string>();
	private jsonOf(manifest: Record<string, unknown>): string {
		return this.jsons.get(manifest) ?? JSON.stringify(manifest);
	}

	/** Sync and health of a declared object, recomputed only when its declaration or live object changed. */
	private assessDeclared(d: DesiredObject, live: KubeObject | undefined): Assessment {
		const m = this.memoOf(d);
		const rv = live?.metadata.resourceVersion ?? '';
		if (m.a && m.rv === rv) return m.a;
		m.a = assess(m.manifest, live);
		m.rv = rv;
		return m.a;
	}

	/**
	 * After a restart, what was last applied comes from the history (it is durable), so the first
	 * auto-sync does not re-apply unchanged objects: a re-apply would conflict with live changes
	 * someone made on purpose (kubectl scale without self-heal).
	 */
	private async recallApplied(plan: ApplyPlan): Promise<void> {
		const unknown = plan.waves.flat().filter((s) => !this.applied.has(s.ref.key));
		await eachLimit(unknown, APPLIER.concurrency, async (s) => {
			const last = (await this.revisions.list(s.ref.key).catch(() => [])).at(-1);
			if (last && !this.applied.has(s.ref.key)) this.applied.set(s.ref.key, { json: JSON.stringify(last.manifest), manifest: last.manifest, rv: last.resourceVersion });
			if (last?.author) this.attribution.seed(s.ref.key, last.author);
		});
	}

	private needsApply(s: ApplyStep): boolean {
		const last = this.applied.get(s.ref.key);
		if (!last || last.json !== this.jsonOf(s.manifest) || s.force || this.errors.has(s.ref.key)) return true;
		const { live, known } = this.live.get(s.ref);
		return !known || !live;
	}

	/** Applies one step; a refused apply becomes the object's error (nothing live changed). */
	private async applyStep(s: ApplyStep, force: boolean): Promise<boolean> {
		const { ref } = s;
		const r = this.live.resolve(ref);
		const client = this.ctx.client;
		if (!r || !client.apply) {
			this.errors.set(ref.key, { path: ref.path, doc: ref.doc, code: 404, reason: 'NotFound', message: `no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`, causes: [] });
			return false;
		}
		this.live.ensure(ref);
		try {
			const live = await client.apply(r, s.manifest as KubeObject, { fieldManager: s.manager, force: s.force || force });
			this.applied.set(ref.key, { json: this.jsonOf(s.manifest), manifest: s.manifest, rv: live.metadata?.resourceVersion });
			this.errors.delete(ref.key);
			if (s.releaseFrom) await this.release(r, ref, s.releaseFrom);
			const entry: HistoryEntry = { time: new Date().toISOString(), resourceVersion: live.metadata?.resourceVersion, path: ref.path, doc: ref.doc, manifest: s.manifest };
			const author = this.attribution.get(ref.key);
			await this.revisions.record(ref.key, author ? { ...entry, author } : entry).catch((e: Error) => this.ctx.log(`applier: history of ${ref.key}: ${e.message}`));
			return true;
		} catch (e) {
			if (!(e instanceof ApiError)) throw e;
			this.errors.set(ref.key, { path: ref.path, doc: ref.doc, code: e.code, reason: e.reason, message: e.message, causes: e.causes });
			return false;
		}
	}

	/** The old file's manager lets go: an apply of nothing but the object's identity. */
	private async release(r: ResourceRef, ref: ObjectRef, from: string): Promise<void> {
		const metadata = ref.namespace ? { name: ref.name, namespace: ref.namespace } : { name: ref.name };
		await this.ctx.client.apply!(r, { apiVersion: ref.apiVersion, kind: ref.kind, metadata }, { fieldManager: managerOf(from) }).catch((e: Error) =>
			this.ctx.log(`applier: releasing ${ref.key} from ${from}: ${e.message}`)
		);
	}

	/** Deletes an object the files no longer declare, if it is still the one we applied. */
	private async prune(ref: ObjectRef): Promise<boolean> {
		const r = this.live.resolve(ref);
		if (!r) return true;
		try {
			const live = await this.ctx.client.get(r, ref.namespace, ref.name);
			// Someone else's object now (the annotation is gone): forget it, leave it alone.
			if (!live.metadata.annotations?.[SOURCE_ANNOTATION]) return true;
			await this.ctx.client.delete(r, ref.namespace, ref.name, { propagationPolicy: 'Background', preconditions: { uid: live.metadata.uid } });
			this.applied.delete(ref.key);
			return true;
		} catch (e) {
			if (isNotFound(e)) return true;
			this.ctx.log(`applier: pruning ${ref.key}: ${(e as Error).message}`);
			return false;
		}
	}

	private async heal(key: string): Promise<void> {
		if (!this.settings().selfHeal) return;
		const { plan } = await this.plan({ objects: [key] });
		const step = plan.waves.flat()[0];
		if (!step) return;
		this.healedAt.set(key, Date.now());
		const ok = await this.applyStep(step, true);
		this.lastSync = { time: new Date().toISOString(), trigger: 'self-heal', triggeredBy: 'self-heal', result: ok ? 'Succeeded' : 'Failed', applied: ok ? 1 : 0, pruned: 0, failed: ok ? 0 : 1 };
		this.refreshDiagnostics();
		this.publishNow();
	}

	/** Queues a heal when a declared field of an applied object differs live (changed by someone else). */
	private checkDrift(key: string): void {
		if (this.stopped || !this.settings().selfHeal) return;
		const last = this.applied.get(key);
		if (!last) return;
		const m = last.manifest as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
		const { live, known } = this.live.get({ apiVersion: m.apiVersion, kind: m.kind, name: m.metadata.name, namespace: m.metadata.namespace });
		if (!known || (live && live.metadata.resourceVersion === last.rv)) return;
		// Deleted live, or a declared field changed by someone else (Argo CD's self-heal covers both).
		const drift = !live || assess(last.manifest, live).differences.some((d) => d.kind !== 'extra');
		if (!drift) return;
		const wait = (this.healedAt.get(key) ?? 0) + APPLIER.healIntervalMs - Date.now();
		if (wait <= 0) this.controller.queue.add(HEAL + key);
		else setTimeout(() => this.checkDrift(key), wait);
	}

	private async preview(plan: ApplyPlan): Promise<SyncPreview> {
		const items: PreviewItem[] = [];
		const client = this.ctx.client;
		for (const s of plan.skipped) items.push({ key: s.ref.key, kind: s.ref.kind, namespace: s.ref.namespace, name: s.ref.name, path: s.ref.path, action: 'skipped', message: s.reason });
		for (const wave of plan.waves)
			await eachLimit(wave, APPLIER.concurrency, async (s) => {
				const r = this.live.resolve(s.ref);
				items.push(await previewStep(client, r, s));
			});
		for (const p of plan.prune) items.push({ key: p.ref.key, kind: p.ref.kind, namespace: p.ref.namespace, name: p.ref.name, path: p.ref.path, action: p.action });
		return { kind: 'SyncPreview', items };
	}

	// ---- live state ----

	private ensureInformers(): void {
		for (const o of this.room.currentObjects()) this.live.ensure(o);
		for (const ref of this.inventory.current()) this.live.ensure(ref);
	}

	private onLive(r: ResourceRef, o: KubeObject): void {
		if (this.stopped) return;
		const key = objectKey({ apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, namespace: o.metadata.namespace, name: o.metadata.name ?? '' });
		if (r === CRD_RESOURCE) this.schedulePublish();
		if (!this.applied.has(key) && !this.inventory.current().some((i) => i.key === key)) return;
		this.checkDrift(key);
		this.schedulePublish();
	}

	// ---- publishing ----

	private onAnalysis(_a: AnalysisEvent, objects: ParsedObject[]): void {
		if (this.stopped) return;
		this.attribution.fold(objects);
		this.ensureInformers();
		this.refreshDiagnostics();
		this.schedulePublish();
		if (!this.settings().autoSync) return;
		clearTimeout(this.editTimer);
		this.editTimer = setTimeout(() => this.controller.queue.add(AUTO), APPLIER.autoSyncDelayMs);
	}

	/** Apply errors placed in the current text, and the notice on held files. */
	private refreshDiagnostics(): void {
		const texts = fileTexts(this.room.doc);
		const analysis = this.room.currentAnalysis();
		const byPath = applyDiagnostics(this.errors.values(), texts);
		for (const [path, list] of Object.entries(duplicateDiagnostics(analysis, this.room.currentObjects(), texts))) (byPath[path] ??= []).push(...list);
		for (const path of heldFiles(analysis)) (byPath[path] ??= []).push(heldDiagnostic(path));
		// The room republishes the analysis on a change only: an edit already sent it once.
		const json = JSON.stringify(byPath);
		if (json === this.diagnosticsJson) return;
		this.diagnosticsJson = json;
		this.room.setApplyDiagnostics(byPath);
	}

	private schedulePublish(): void {
		if (this.publishTimer || this.stopped) return;
		this.publishTimer = setTimeout(() => this.publishNow(), APPLIER.publishIntervalMs);
	}

	private publishNow(): void {
		clearTimeout(this.publishTimer);
		this.publishTimer = undefined;
		if (this.stopped) return;
		const state = this.state();
		// Status-only changes of live objects often leave the sync state as it was: send changes only.
		const json = JSON.stringify(state);
		if (json === this.published) return;
		this.published = json;
		this.room.publish(state);
	}

	private close(): void {
		this.stopped = true;
		clearTimeout(this.editTimer);
		clearTimeout(this.publishTimer);
		this.unsubscribe();
		this.attribution.stop();
		this.live.stop();
		if (this.room.applier === this) this.room.applier = undefined;
	}
}

export const applierController: ControllerDefinition = {
	name: 'applier',
	component: 'converge-applier',
	create(ctx) {
		if (!ctx.room) throw new Error('the applier needs its room');
		return new Applier(ctx, ctx.room).controller;
	}
};
