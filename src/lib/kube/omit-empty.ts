/**
 * Go's `json:",omitempty"`: kube-apiserver decodes every write into Go structs, so an empty list or
 * map in ObjectMeta (`finalizers: []` left by a `$deleteFromPrimitiveList`, `labels: {}`) is gone
 * when the object is stored and served. We store JSON as given, so the write path drops them here.
 *
 * @module
 */

/**
 * ObjectMeta's list and map fields, all `omitempty`. Not managedFields: an update sending `[]`
 * asks for them to be reset, which the field manager must still see (it drops the list itself).
 */
const META_COLLECTIONS = ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const;

const isEmpty = (v: unknown) => (Array.isArray(v) ? v.length === 0 : v !== null && typeof v === 'object' && Object.keys(v).length === 0);

/**
 * `obj` without empty ObjectMeta lists and maps. The metadata is replaced by a copy when something
 * is dropped (it may be shared with the stored object a transform started from).
 */
export function omitEmptyMeta<T extends { metadata?: Record<string, unknown> }>(obj: T): T {
	const meta = obj.metadata;
	if (!meta || !META_COLLECTIONS.some((f) => isEmpty(meta[f]))) return obj;
	const copy = { ...meta };
	for (const f of META_COLLECTIONS) if (isEmpty(copy[f])) delete copy[f];
	obj.metadata = copy;
	return obj;
}
