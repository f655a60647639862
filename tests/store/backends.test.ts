import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { wallClock } from '../../src/lib/clock/clock';
import { openRoomStore } from '../../server/store/room-store';
import { createEngine } from '../../server/store/engine';
import { Etcd3Backend } from '../../server/store/etcd3-backend';
import { startEtcd } from '../helpers/etcd';
import { backendSuite } from './backend-suite';

backendSuite('embedded store (WAL on disk)', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'converge-store-'));
	const backend = await openRoomStore({ dir, engine: createEngine(), clock: wallClock, quotaBytes: 64 << 20, log: () => {} });
	return { backend, close: async () => (await backend.close(), rmSync(dir, { recursive: true, force: true })) };
});

backendSuite('real etcd 3.4 through the etcd3 backend', async () => {
	const etcd = await startEtcd();
	const client = new Etcd3({ hosts: etcd.endpoint });
	const backend = new Etcd3Backend(client, 'AAAAAAAAAAAAAAAAAAAAAA');
	return { backend, close: async () => (await backend.close(), client.close(), await etcd.stop()) };
});
