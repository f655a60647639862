import { describe, expect, it } from 'vitest';
import { useLessonRoom } from './lesson-room';

const room = useLessonRoom('02-rolling-updates');
const setImage = (image: string) => room.r.kubectl(['set', 'image', 'deployment/web', `nginx=${image}`]);


describe('lesson 02: Deployments and rolling updates', () => {
	it('step 1: the Deployment gets one ReplicaSet and 4 ready replicas', async () => {
		await room.r.untilPassed();
	});

	it('step 2: the wrong version fails the template check', async () => {
		await room.r.act({ action: 'next' });
		await setImage('nginx:1.25');
		const c = await room.r.checkUntil('template', (t) => !t.message?.includes('1.26'), 10);
		expect(c.template).toMatchObject({ passed: false, message: 'expected spec.template.spec.containers[0].image = nginx:1.27, found nginx:1.25 (Deployment default/web)' });
	});

	it('step 2: rolling out nginx:1.27 completes and keeps the old ReplicaSets at 0', async () => {
		await setImage('nginx:1.27');
		await room.r.untilPassed(['template', 'complete']);
		// Two old ReplicaSets now (1.26 and 1.25), both at 0: the check wants exactly one.
		const c = await room.r.checks();
		expect(c['old-rs']).toMatchObject({ passed: false, message: 'expected 1 ReplicaSet objects with app=web in default matching, found 2' });
	});

	it('step 3: a broken image stalls the rollout while the old pods serve', async () => {
		await room.r.act({ action: 'next' });
		const before = await room.r.checks();
		expect(before['pull-error'].passed).toBe(false);
		expect(before.deadline.message).toContain('expected a condition with type=Progressing, status=False, reason=ProgressDeadlineExceeded');
		await setImage('nginx:doesnotexist');
		await room.r.untilPassed(['pull-error', 'still-serving']);
		await room.r.untilPassed(undefined, 120);
	});

	it('step 4: rollout undo brings 1.27 back', async () => {
		await room.r.act({ action: 'next' });
		expect((await room.r.checks()).template.passed).toBe(false);
		await room.r.kubectl(['rollout', 'undo', 'deployment/web']);
		await room.r.untilPassed();
	});
});
