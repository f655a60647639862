/**
 * The status conditions of a Terminating namespace, as the namespace controller's
 * `namespaceConditionUpdater` writes them: one condition per type, in kube's order, False with
 * the "all is well" reason and message unless this pass found a problem; an unchanged condition
 * keeps its lastTransitionTime.
 *
 * @module
 */

export interface NamespaceCondition {
	type: string;
	status: 'True' | 'False';
	lastTransitionTime: string;
	reason: string;
	message: string;
}

const TYPES = [
	'NamespaceDeletionDiscoveryFailure',
	'NamespaceDeletionGroupVersionParsingFailure',
	'NamespaceDeletionContentFailure',
	'NamespaceContentRemaining',
	'NamespaceFinalizersRemaining'
] as const;

const OK: Record<(typeof TYPES)[number], [reason: string, message: string]> = {
	NamespaceDeletionDiscoveryFailure: ['ResourcesDiscovered', 'All resources successfully discovered'],
	NamespaceDeletionGroupVersionParsingFailure: ['ParsedGroupVersions', 'All legacy kube types successfully parsed'],
	NamespaceDeletionContentFailure: ['ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
	NamespaceContentRemaining: ['ContentRemoved', 'All content successfully removed'],
	NamespaceFinalizersRemaining: ['ContentHasNoFinalizers', 'All content-preserving finalizers finished']
};

/** What one deletion pass found. */
export interface ContentTotals {
	/** `resource.group` (`pods.` for the core group) → objects still there. */
	remaining: Map<string, number>;
	/** Finalizer → objects still carrying it. */
	finalizers: Map<string, number>;
	/** Failed deletions and lists, as error messages. */
	errors: string[];
}

/** The namespace's conditions after a pass, keeping `old` ones that did not change. */
export function namespaceConditions(old: NamespaceCondition[] | undefined, totals: ContentTotals, now: string): NamespaceCondition[] {
	const found = new Map<string, Omit<NamespaceCondition, 'type' | 'lastTransitionTime'>>();
	if (totals.errors.length)
		found.set('NamespaceDeletionContentFailure', {
			status: 'True',
			reason: 'ContentDeletionFailed',
			message: `Failed to delete all resource types, ${totals.errors.length} remaining: ${aggregate(totals.errors)}`
		});
	const remaining = [...totals.remaining].filter(([, n]) => n > 0).map(([gr, n]) => `${gr} has ${n} resource instances`).sort();
	if (remaining.length) found.set('NamespaceContentRemaining', { status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` });
	const finalizers = [...totals.finalizers].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort();
	if (finalizers.length)
		found.set('NamespaceFinalizersRemaining', { status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}` });
	return TYPES.map((type) => {
		const [reason, message] = OK[type];
		const next = found.get(type) ?? { status: 'False' as const, reason, message };
		const prev = old?.find((c) => c.type === type);
		if (prev && prev.status === next.status && prev.reason === next.reason && prev.message === next.message) return prev;
		return { type, ...next, lastTransitionTime: now };
	});
}

/** utilerrors.NewAggregate's message: one error bare, several in brackets. */
function aggregate(errors: string[]): string {
	return errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
}
