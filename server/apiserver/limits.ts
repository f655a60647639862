/**
 * Tunables of the kube API server. Mutable so tests can shorten intervals (like etcd's
 * "non-const for testing" vars); operators change them through the environment (README).
 *
 * @module
 */

export const APISERVER_LIMITS = {
	/** Request body bytes (kube-apiserver's limit is 3 MiB). */
	maxBodyBytes: 3 * 1024 * 1024,
	/** JSON nesting depth of a body (Go's encoding/json allows 10000). */
	maxJsonDepth: 10_000,
	/** Open watches per room; one more gets 429. */
	maxWatchesPerRoom: Number(process.env.MAX_WATCHES_PER_ROOM ?? 500),
	/** Objects stored per room; creates beyond it get 403 (like a ResourceQuota on count). */
	maxObjectsPerRoom: Number(process.env.MAX_OBJECTS_PER_ROOM ?? 50_000),
	/** Interval between watch bookmarks when a client allows them (kube: about a minute). */
	bookmarkIntervalMs: 60_000,
	/** A watch without timeoutSeconds ends after a random time in [min, 2·min) (kube: 30 min). */
	minWatchTimeoutMs: 30 * 60_000,
	/** Bytes queued to a slow watch client before the watch is cut (it relists). */
	maxWatchBufferBytes: 16 * 1024 * 1024,
	/**
	 * Attempts of an unconditional update racing other writers before giving up with 409. kube's
	 * GuaranteedUpdate retries until the request's deadline; each lost race means another writer
	 * won, so this only bounds a pathological storm (N writers on one key need up to N attempts).
	 */
	maxUpdateRetries: 1_000,
	/** JSON patch operations allowed in one request (kube's maxJSONPatchOperations). */
	maxJsonPatchOperations: 10_000
};
