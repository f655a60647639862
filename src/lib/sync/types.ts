import type { Path } from '../kube/field-set';

/**
 * Argo CD's two axes for "desired vs live" (gitops-engine pkg/sync/common, pkg/health): sync says
 * whether the live object matches what the files declare, health what its status says.
 */
export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Missing' | 'Extraneous' | 'Unknown';

export type HealthStatusCode = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface HealthStatus {
	status: HealthStatusCode;
	message?: string;
}

/** Who last wrote a live field, from metadata.managedFields. */
export interface FieldOwner {
	manager: string;
	operation: 'Apply' | 'Update' | string;
	time?: string;
	subresource?: string;
}

/** A field whose declared and live values differ (or that exists on one side only). */
export interface FieldDifference {
	/** Human path like `spec.template.spec.containers[name=web].image`. */
	path: string;
	/** The same path as structured-merge-diff elements (list items by key), as managedFields name it. */
	fieldPath: Path;
	/** Where the value sits in the live object (keys and indexes), for finding its line; drift only. */
	livePath?: (string | number)[];
	/** undefined when the field is not declared (drift) */
	desired?: unknown;
	/** undefined when the field is not live */
	live?: unknown;
	/** `changed`: declared and live differ; `missing`: declared, not live; `extra`: live only (drift). */
	kind: 'changed' | 'missing' | 'extra';
	/** Owners of the live field (several when shared, e.g. two appliers). */
	owners: FieldOwner[];
}

export interface CompareResult {
	/** Synced when every declared field equals live; drift does not change it (Argo CD's rule). */
	sync: SyncStatusCode;
	/** Declared fields whose live value differs or is absent. */
	differences: FieldDifference[];
	/** Live-only fields someone owns (added by `kubectl label`, `kubectl edit`, a controller). */
	drift: FieldDifference[];
}

/** One object of a sync preview (a dry-run sync through the rooms API). */
export interface PreviewItem {
	key: string;
	kind: string;
	namespace?: string;
	name: string;
	path: string;
	action: 'create' | 'update' | 'unchanged' | 'prune' | 'would-prune' | 'error' | 'skipped';
	/** Paths of the fields an update would change. */
	fields?: string[];
	message?: string;
}

export interface SyncPreview {
	kind: 'SyncPreview';
	items: PreviewItem[];
}

/** One applied revision of an object's desired manifest (the rooms API's sync history). */
export interface HistoryEntry {
	/** Wall time of the sync (RFC 3339). */
	time: string;
	/** The object's resourceVersion right after the apply (the store revision). */
	resourceVersion?: string;
	/** Who last edited the object's declaration before the sync. */
	author?: string;
	path: string;
	doc: number;
	manifest: Record<string, unknown>;
}
