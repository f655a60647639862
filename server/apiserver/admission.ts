/**
 * Admission plugins that need to read other objects, run on creates and updates after decoding
 * and before the strategy, as kube-apiserver runs its mutating then validating chain. Today:
 * - **Priority** (plugin/pkg/admission/priority): a new pod's `priorityClassName` (or the
 *   globalDefault class, the lowest if several) resolves to `spec.priority` and
 *   `spec.preemptionPolicy`; an unknown class or a contradicting value is 403 Forbidden with
 *   kube's messages. A second globalDefault PriorityClass is refused the same way (the value
 *   and `system-` name rules are validation's).
 *
 * @module
 */
import { forbidden } from '../../src/lib/kube/api-errors';
import type { Call } from './context';
import { admitStorage } from './storage-admission';
import { listListed } from './lister';
import type { ObjectStorage } from './storage';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

type AdmissionCall = Pick<Call, 'ctx' | 'target'>;

/** Runs the plugins that apply to a create of `obj` (stored form, mutated in place). */
export async function admitCreate(call: AdmissionCall, obj: Obj): Promise<void> {
	const t = call.target;
	if (t.gr.group === '' && t.gr.resource === 'pods' && !t.subresource) await admitPodPriority(call, obj);
	if (isPriorityClass(call)) await validatePriorityClass(call, obj, 'create');
	await admitStorage(call, obj);
}

/** Runs the plugins that apply to an update (`next` is the object about to be stored). */
export async function admitUpdate(call: AdmissionCall, next: Obj): Promise<void> {
	if (isPriorityClass(call)) await validatePriorityClass(call, next, 'update');
}

const isPriorityClass = (call: AdmissionCall) => call.target.gr.group === 'scheduling.k8s.io' && call.target.gr.resource === 'priorityclasses' && !call.target.subresource;

/** Read-only (the plugin's lister). */
function priorityClasses(storage: ObjectStorage): Promise<Obj[]> {
	return listListed(storage, 'priorityclasses');
}

/** The globalDefault class with the lowest value (a race may leave several). */
function defaultClass(classes: Obj[]): Obj | undefined {
	let best: Obj | undefined;
	for (const pc of classes) if (pc.globalDefault && (!best || best.value > pc.value)) best = pc;
	return best;
}

async function admitPodPriority(call: AdmissionCall, pod: Obj): Promise<void> {
	const spec = (pod.spec ??= {});
	const name = pod.metadata?.name ?? '';
	const classes = await priorityClasses(call.ctx.storage);
	let priority = 0;
	let policy: string | undefined;
	if (!spec.priorityClassName) {
		const dpc = defaultClass(classes);
		if (dpc) {
			spec.priorityClassName = dpc.metadata.name;
			priority = dpc.value;
			policy = dpc.preemptionPolicy;
		}
	} else {
		const pc = classes.find((c) => c.metadata.name === spec.priorityClassName);
		if (!pc) throw forbidden(call.target.gr, name, `no PriorityClass with name ${spec.priorityClassName} was found`);
		priority = pc.value;
		policy = pc.preemptionPolicy;
	}
	if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority)
		throw forbidden(call.target.gr, name, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
	spec.priority = priority;
	if (policy) {
		if (spec.preemptionPolicy && spec.preemptionPolicy !== policy)
			throw forbidden(call.target.gr, name, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
		spec.preemptionPolicy = policy;
	}
}

async function validatePriorityClass(call: AdmissionCall, pc: Obj, op: 'create' | 'update'): Promise<void> {
	if (!pc.globalDefault) return;
	const name = pc.metadata?.name ?? '';
	const dpc = defaultClass(await priorityClasses(call.ctx.storage));
	if (dpc && (op === 'create' || dpc.metadata.name !== name))
		throw forbidden(call.target.gr, name, `PriorityClass ${dpc.metadata.name} is already marked as default. Only one default can exist`);
}
