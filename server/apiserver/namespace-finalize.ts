/**
 * `PUT namespaces/<name>/finalize`: the only way to change a namespace's spec.finalizers (the
 * namespace controller removes `kubernetes` there once the namespace is empty). Like kube's
 * finalize strategy, the status is kept; a Terminating namespace whose last spec finalizer goes
 * (and with no metadata finalizers) is deleted by this write.
 *
 * @module
 */
import { badRequest, invalid, KubeError } from '../../src/lib/kube/api-errors';
import { invalid as invalidField, type FieldError } from '../../src/lib/kube/field-errors';
import { qualifiedNameErrors } from '../../src/lib/kube/qualified-names';
import { parseWriteOptions } from '../../src/lib/kube/write-options';
import type { Call } from './context';
import { sendObject } from './http';
import { objectBody } from './read';
import { guaranteedUpdate, readWriteBody } from './write';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

/** validateFinalizerName for each spec finalizer. */
function finalizerErrors(finalizers: string[]): FieldError[] {
	const errs: FieldError[] = [];
	finalizers.forEach((f, i) => {
		const at = `spec.finalizers[${i}]`;
		for (const m of qualifiedNameErrors(f)) errs.push(invalidField(at, f, m));
		if (!f.includes('/') && !STANDARD_FINALIZERS.includes(f)) errs.push(invalidField(at, f, 'name is neither a standard finalizer name nor is it fully qualified'));
	});
	return errs;
}

export async function handleNamespaceFinalize(call: Call, method: string): Promise<void> {
	if (method !== 'PUT') throw new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
	const opts = parseWriteOptions(call.query, 'UpdateOptions');
	const { object, warnings } = await readWriteBody(call, opts);
	const name = call.target.name ?? '';
	if ((object.metadata?.name ?? '') !== name) throw badRequest(`the name of the object (${object.metadata?.name ?? ''}) does not match the name on the URL (${name})`);
	const finalizers: string[] = Array.isArray(object.spec?.finalizers) ? object.spec.finalizers : [];
	const errs = finalizerErrors(finalizers);
	if (errs.length) throw invalid({ group: '', kind: 'Namespace' }, name, errs);
	const r = await guaranteedUpdate(call, opts, (cur: Obj) => {
		const next = structuredClone(cur);
		next.spec = { ...(next.spec ?? {}), finalizers };
		if (!finalizers.length) delete next.spec.finalizers;
		if (object.metadata?.resourceVersion) next.metadata.resourceVersion = object.metadata.resourceVersion;
		return next;
	});
	sendObject(call.res, 200, objectBody(call, r.object), { warnings });
}
