import { describe, expect, it } from 'vitest';
import { EditorState } from '@codemirror/state';
import { badgeLines, badgesFor, setSyncBadges, syncGutter } from './sync-gutter';

describe('sync gutter', () => {
	const objects = [
		{ path: 'app/web.yaml', line: 1, sync: 'Synced', health: { status: 'Healthy' }, kind: 'Deployment', name: 'web' },
		{ path: 'app/web.yaml', line: 12, sync: 'OutOfSync', health: { status: 'Progressing', message: 'Waiting for rollout to finish: 3 out of 5 new replicas have been updated...' }, kind: 'Service', name: 'web' },
		{ path: 'app/other.yaml', line: 1, sync: 'Missing', health: { status: 'Missing' }, kind: 'ConfigMap', name: 'x' },
		{ path: 'app/web.yaml', line: 0, sync: 'Extraneous', health: { status: 'Healthy' }, kind: 'ConfigMap', name: 'old' }
	];

	it('picks the badges of one file (declared objects only)', () => {
		expect(badgesFor(objects, 'app/web.yaml').map((b) => [b.line, b.sync, b.health, b.title])).toEqual([
			[1, 'Synced', 'Healthy', 'Deployment/web'],
			[12, 'OutOfSync', 'Progressing', 'Service/web']
		]);
		expect(badgesFor(undefined, 'app/web.yaml')).toEqual([]);
	});

	it('keeps each badge on its object while lines are inserted above it', () => {
		const text = Array.from({ length: 14 }, (_, i) => `line ${i + 1}`).join('\n');
		let state = EditorState.create({ doc: text, extensions: [syncGutter()] });
		state = state.update({ effects: setSyncBadges.of(badgesFor(objects, 'app/web.yaml')) }).state;
		state = state.update({ changes: { from: 0, insert: '# comment\n# another\n' } }).state;
		expect(badgeLines(state)).toEqual([3, 14]);
		// a new sync event replaces them
		state = state.update({ effects: setSyncBadges.of([{ line: 2, sync: 'Synced', health: 'Healthy', title: 'Deployment/web' }]) }).state;
		expect(badgeLines(state)).toEqual([2]);
	});
});
