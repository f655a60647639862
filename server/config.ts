/**
 * Server configuration, from the environment. Every limit is named here so tests and
 * operators can change it; README.md documents each variable.
 *
 * @module
 */

export interface Limits {
	/** Bytes (UTF-8) of one file. */
	maxFileBytes: number;
	/** Bytes (UTF-8) of all files of a room together. */
	maxDocBytes: number;
	/** Files and folders per room. */
	maxEntries: number;
	/** Bytes of one WebSocket message or HTTP request body. */
	maxMessageBytes: number;
	/** Sustained messages per second per connection, and the burst allowed above it. */
	messagesPerSecond: number;
	messageBurst: number;
	/** Connections per room. */
	maxConnectionsPerRoom: number;
	/** Rooms per server (on disk). */
	maxRooms: number;
	/** Bytes queued to a slow client before it is cut off (it reconnects and resyncs). */
	maxBufferedBytes: number;
	/** Space quota of each room's store (etcd's --quota-backend-bytes). */
	storeQuotaBytes: number;
}

export interface Config {
	port: number;
	host: string;
	dataDir: string;
	limits: Limits;
	/** A room with nobody connected is unloaded from memory after this long. */
	idleUnloadMs: number;
	/** Controllers each room runs, like kube-controller-manager's `--controllers` (`CONTROLLERS`). */
	controllers: string;
	/** Debounce of the parse after an edit (diagnostics must reach everyone within 200 ms). */
	analysisDelayMs: number;
	/** Origins allowed to open sockets besides the server's own host (comma-separated env). */
	allowedOrigins: string[];
	/** Where rooms' stores live: `embedded` (WASM engine + WAL per room) or a shared real `etcd`. */
	storeBackend: 'embedded' | 'etcd';
	/** etcd endpoints for `storeBackend: 'etcd'`. */
	etcdEndpoints: string[];
	/**
	 * Store: also compact to the revision of one interval ago, every interval (kube-apiserver's
	 * 5 min). 0 (default): a room's store compacts only by its time-travel retention.
	 */
	storeCompactionMs: number;
	/** Store: snapshot and truncate the WAL after this many records. */
	storeSnapshotEvery: number;
	/** etcd v3 gRPC API: port (0 = any free port) and address; 127.0.0.1 keeps it local by default. */
	etcdPort: number;
	etcdHost: string;
	/** Log function (tests silence it). */
	log: (msg: string) => void;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Limits = {
	maxFileBytes: 1 * MiB,
	maxDocBytes: 8 * MiB,
	maxEntries: 500,
	maxMessageBytes: 2 * MiB,
	messagesPerSecond: 200,
	messageBurst: 1000,
	maxConnectionsPerRoom: 200,
	maxRooms: 1000,
	maxBufferedBytes: 16 * MiB,
	storeQuotaBytes: 256 * MiB
};

function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const v = env[name];
	if (v === undefined || v === '') return fallback;
	const n = Number(v);
	if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
	return n;
}

function storeBackendOf(v: string | undefined): 'embedded' | 'etcd' {
	if (!v || v === 'embedded') return 'embedded';
	if (v === 'etcd') return 'etcd';
	throw new Error(`STORE_BACKEND must be "embedded" or "etcd", got "${v}"`);
}

/** Reads the configuration from `env` (defaults for anything unset). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
	return {
		port: num(env, 'PORT', 3000),
		host: env.HOST || '0.0.0.0',
		dataDir: env.DATA_DIR || './data',
		idleUnloadMs: num(env, 'IDLE_UNLOAD_MS', 30_000),
		controllers: env.CONTROLLERS ?? '*',
		analysisDelayMs: num(env, 'ANALYSIS_DELAY_MS', 30),
		storeBackend: storeBackendOf(env.STORE_BACKEND),
		etcdEndpoints: (env.ETCD_ENDPOINTS ?? 'http://127.0.0.1:2379').split(',').map((s) => s.trim()).filter(Boolean),
		storeCompactionMs: num(env, 'STORE_COMPACTION_MS', 0),
		storeSnapshotEvery: num(env, 'STORE_SNAPSHOT_EVERY', 10_000),
		etcdPort: num(env, 'ETCD_PORT', 23790),
		etcdHost: env.ETCD_HOST || '127.0.0.1',
		allowedOrigins: (env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
		log: (msg) => console.log(`[converge] ${msg}`),
		limits: {
			maxFileBytes: num(env, 'MAX_FILE_BYTES', DEFAULT_LIMITS.maxFileBytes),
			maxDocBytes: num(env, 'MAX_DOC_BYTES', DEFAULT_LIMITS.maxDocBytes),
			maxEntries: num(env, 'MAX_ENTRIES', DEFAULT_LIMITS.maxEntries),
			maxMessageBytes: num(env, 'MAX_MESSAGE_BYTES', DEFAULT_LIMITS.maxMessageBytes),
			messagesPerSecond: num(env, 'MESSAGES_PER_SECOND', DEFAULT_LIMITS.messagesPerSecond),
			messageBurst: num(env, 'MESSAGE_BURST', DEFAULT_LIMITS.messageBurst),
			maxConnectionsPerRoom: num(env, 'MAX_CONNECTIONS_PER_ROOM', DEFAULT_LIMITS.maxConnectionsPerRoom),
			maxRooms: num(env, 'MAX_ROOMS', DEFAULT_LIMITS.maxRooms),
			maxBufferedBytes: num(env, 'MAX_BUFFERED_BYTES', DEFAULT_LIMITS.maxBufferedBytes),
			storeQuotaBytes: num(env, 'STORE_QUOTA_BYTES', DEFAULT_LIMITS.storeQuotaBytes)
		}
	};
}
