import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock/clock';
import { Informer } from '../../src/lib/controllers/informer';
import { RESOURCES, type KubeClient } from '../../src/lib/controllers/types';
import { HttpKubeClient, keepAliveAgent } from '../../server/controllers/runtime/http-client';
import { acquireLoopback } from '../../server/controllers/runtime/loopback';
import { WATCH_CACHE_LIMITS } from '../../server/apiserver/watch-cache';
import { eventually, startKubeRoom, type KubeRoom } from '../kubectl/harness';

let k: KubeRoom;

beforeAll(async () => {
	k = await startKubeRoom();
});

afterAll(async () => {
	await k?.stop();
});

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { a: name } });

describe('Informer against the real API', () => {
	it('relists after 410 Gone when its resourceVersion was compacted away, and reports the difference', async () => {
		const loopback = acquireLoopback(k.converge.rooms, k.config);
		const agent = keepAliveAgent();
		const http = new HttpKubeClient({ origin: await loopback.origin, roomId: k.roomId, token: k.tokens.editor, agent, fieldManager: 'test' });
		// The test cuts the informer's first watch, and later tells it the watch ended.
		let first: { stop(): void; end(): void } | undefined;
		const client: KubeClient = Object.assign(Object.create(http) as KubeClient, {
			watch: (...args: Parameters<KubeClient['watch']>) => {
				const handle = http.watch(...args);
				first ??= { stop: () => handle.stop(), end: () => args[3]() };
				return handle;
			}
		});
		await http.create(RESOURCES.configmaps, configMap('keep'));
		await http.create(RESOURCES.configmaps, configMap('gone'));
		const informer = new Informer(client, RESOURCES.configmaps, new ManualClock(0));
		const seen: string[] = [];
		informer.addEventHandler({ add: (o) => seen.push(`add ${o.metadata.name}`), delete: (o) => seen.push(`delete ${o.metadata.name}`) });
		informer.start();
		await informer.waitForSync();
		await eventually(() => first !== undefined, 'the first watch');
		first!.stop();
		const listedAt = informer.lastSyncResourceVersion();

		// While it is not watching: changes, then a compaction past what it has seen, and the
		// API server's watch cache keeps too few events to bridge the gap (as after a long outage).
		const window = WATCH_CACHE_LIMITS.windowEvents;
		WATCH_CACHE_LIMITS.windowEvents = 1;
		let lists = 0;
		const list = http.list.bind(http);
		client.list = async (...args) => (lists++, list(...args));
		await http.delete(RESOURCES.configmaps, 'default', 'gone');
		const added = await http.create(RESOURCES.configmaps, configMap('new'));
		const room = await k.converge.rooms.get(k.roomId);
		await room!.store.compact({ revision: Number(added.metadata.resourceVersion) });
		first!.end();
		WATCH_CACHE_LIMITS.windowEvents = window;

		await eventually(() => informer.store.get('default/new') !== undefined, 'the relisted cache');
		expect(lists).toBe(1);
		expect(Number(informer.lastSyncResourceVersion())).toBeGreaterThan(Number(listedAt));
		expect(seen.filter((s) => /keep|gone|new/.test(s))).toEqual(['add gone', 'add keep', 'add new', 'delete gone']);
		expect(informer.store.get('default/gone')).toBeUndefined();
		informer.stop();
		agent.destroy();
		loopback.release();
	});
});
