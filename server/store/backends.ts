/**
 * Chooses each room's store backend from the configuration: the embedded store (default: WASM
 * engine + WAL in the room's directory) or a real etcd cluster shared by all rooms of this process
 * (`STORE_BACKEND=etcd`, `ETCD_ENDPOINTS=http://10.0.0.1:2379,...`), rooms as key prefixes.
 *
 * @module
 */
import { Etcd3 } from 'etcd3';
import { wallClock } from '../../src/lib/clock/clock';
import type { Backend } from '../../src/lib/store/backend';
import type { Config } from '../config';
import { createEngine } from './engine';
import { Etcd3Backend } from './etcd3-backend';
import { openRoomStore } from './room-store';

export interface BackendFactory {
	open(roomId: string, dir: string): Promise<Backend>;
	close(): Promise<void>;
}

export function backendFactory(config: Config): BackendFactory {
	if (config.storeBackend === 'etcd') {
		const client = new Etcd3({ hosts: config.etcdEndpoints });
		return {
			open: async (roomId) => new Etcd3Backend(client, roomId),
			close: async () => client.close()
		};
	}
	return {
		open: (_roomId, dir) =>
			openRoomStore({
				dir,
				engine: createEngine(),
				// The room clock (simulated time) replaces the wall clock when the control plane lands.
				clock: wallClock,
				quotaBytes: config.limits.storeQuotaBytes,
				autoCompactionMs: config.storeCompactionMs,
				snapshotEvery: config.storeSnapshotEvery,
				log: config.log
			}),
		close: async () => {}
	};
}
