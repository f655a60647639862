/**
 * A gutter showing each declared object's live sync and health at its first line, fed from the
 * applier's `sync` room event: the same glyphs and colours as the Sync view. Markers are kept
 * as a range set mapped through edits, so they stay on their object while people type, until
 * the next sync event replaces them.
 *
 * @module
 */
import { RangeSet, StateEffect, StateField, type EditorState, type Extension } from '@codemirror/state';
import { EditorView, gutter, GutterMarker } from '@codemirror/view';

export interface SyncBadge {
	/** 1-based line of the object's first line. */
	line: number;
	sync: string;
	health: string;
	message?: string;
	/** e.g. `Deployment/web` */
	title: string;
}

const SYNC: Record<string, [string, string]> = {
	Synced: ['✔', '#18be94'],
	OutOfSync: ['↻', '#f4c030'],
	Missing: ['◌', '#f4c030'],
	Extraneous: ['✂', '#f4c030'],
	Unknown: ['?', '#9aa5b1']
};
const HEALTH: Record<string, [string, string]> = {
	Healthy: ['♥', '#18be94'],
	Progressing: ['◔', '#0dadea'],
	Degraded: ['✖', '#e96d76'],
	Suspended: ['⏸', '#766f94'],
	Missing: ['◌', '#f4c030'],
	Unknown: ['?', '#9aa5b1']
};

class BadgeMarker extends GutterMarker {
	constructor(readonly badge: SyncBadge) {
		super();
	}

	// Text inserted at the start of the object's line (a comment above it) pushes the badge down.
	override startSide = 1;
	override endSide = 1;

	override eq(other: GutterMarker): boolean {
		const b = (other as BadgeMarker).badge;
		return other instanceof BadgeMarker && b.sync === this.badge.sync && b.health === this.badge.health && b.message === this.badge.message && b.title === this.badge.title;
	}

	override toDOM(): Node {
		const el = document.createElement('span');
		el.className = 'cm-sync-badge';
		el.dataset.sync = this.badge.sync;
		el.dataset.health = this.badge.health;
		const [si, sc] = SYNC[this.badge.sync] ?? SYNC.Unknown;
		const [hi, hc] = HEALTH[this.badge.health] ?? HEALTH.Unknown;
		for (const [icon, color] of [
			[si, sc],
			[hi, hc]
		]) {
			const s = document.createElement('span');
			s.textContent = icon;
			s.style.color = color;
			el.append(s);
		}
		el.title = `${this.badge.title}: ${this.badge.sync}, ${this.badge.health}${this.badge.message ? ` (${this.badge.message})` : ''}`;
		return el;
	}
}

/** Replaces the badges of the open file. */
export const setSyncBadges = StateEffect.define<SyncBadge[]>();

const badgeField = StateField.define<RangeSet<GutterMarker>>({
	create: () => RangeSet.empty,
	update(set, tr) {
		set = set.map(tr.changes);
		for (const e of tr.effects) {
			if (!e.is(setSyncBadges)) continue;
			const doc = tr.state.doc;
			const ranges = e.value
				.filter((b) => b.line >= 1 && b.line <= doc.lines)
				.sort((a, b) => a.line - b.line)
				.map((b) => new BadgeMarker(b).range(doc.line(b.line).from));
			set = RangeSet.of(ranges, true);
		}
		return set;
	}
});

/** The 1-based lines that show a badge (for tests and the e2e). */
export function badgeLines(state: EditorState): number[] {
	const out: number[] = [];
	for (const it = state.field(badgeField).iter(); it.value; it.next()) out.push(state.doc.lineAt(it.from).number);
	return out;
}

export function syncGutter(): Extension {
	return [
		badgeField,
		gutter({ class: 'cm-sync-gutter', markers: (v) => v.state.field(badgeField) }),
		EditorView.baseTheme({
			'.cm-sync-gutter': { minWidth: '2.4em' },
			'.cm-sync-badge': { display: 'inline-flex', gap: '2px', fontSize: '12px', cursor: 'default' }
		})
	];
}

/** The badges of `path` from the sync state's objects. */
export function badgesFor(
	objects: ReadonlyArray<{ path: string; line: number; sync: string; health: { status: string; message?: string }; kind: string; name: string }> | undefined,
	path: string | undefined
): SyncBadge[] {
	if (!objects || !path) return [];
	return objects
		.filter((o) => o.path === path && o.line > 0)
		.map((o) => ({ line: o.line, sync: o.sync, health: o.health.status, message: o.health.message, title: `${o.kind}/${o.name}` }));
}
