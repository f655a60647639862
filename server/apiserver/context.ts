/**
 * What every kube API handler works with: the room's object storage, the clock, the caller, the
 * resource addressed, and the conversions between the served and the stored form of objects
 * (events.k8s.io Events are stored as core Events).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../src/lib/clock/clock';
import type { IdentitySource } from '../../src/lib/kube/random-ids';
import { badRequest, expired, internalError, requestEntityTooLarge, type GroupResource } from '../../src/lib/kube/api-errors';
import { coreToEventsV1, eventsV1ToCore } from '../../src/lib/kube/event-conversion';
import { withSchemaDefaults } from '../../src/lib/kube/crd';
import { apiVersionOf } from '../../src/lib/kube/kinds';
import { findResource, type ResourceInfo, type ResourceSet } from '../../src/lib/kube/resources';
import { collectionKey, objectKey } from '../../src/lib/kube/storage-keys';
import { GrpcCode, StoreError } from '../../src/lib/store/errors';
import type { Room } from '../rooms/room';
import type { ObjectStorage } from './storage';
import type { Wanted } from './http';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ApiContext {
	room: Room;
	storage: ObjectStorage;
	clock: Clock;
	/** The user the token stands for: `editor` or `viewer`. */
	user: string;
	/** A request of the room's own control plane (controllers/runtime/internal-call.ts). */
	internal?: boolean;
	/** uids, generateName suffixes and allocation choices, derived from the room's seed (src/lib/kube/random-ids.ts). */
	ids: IdentitySource;
	log(msg: string): void;
	/** The resources the room serves (built-ins and its CRDs'); the built-ins when unset. */
	resources?: ResourceSet;
}

/** The resource a request addresses. */
export interface Target {
	resource: ResourceInfo;
	/** The resource as stored (differs for events.k8s.io Events). */
	stored: ResourceInfo;
	namespace?: string;
	name?: string;
	subresource?: 'status' | 'scale';
	gr: GroupResource;
}

export interface Call {
	ctx: ApiContext;
	target: Target;
	req: IncomingMessage;
	res: ServerResponse;
	query: URLSearchParams;
	wanted: Wanted;
}

export function makeTarget(resource: ResourceInfo, namespace: string | undefined, name: string | undefined, subresource?: 'status' | 'scale'): Target {
	const stored = resource.custom?.storage ?? (resource.storedAs ? (findResource('', 'v1', 'events') ?? resource) : resource);
	return { resource, stored, namespace, name, subresource, gr: { group: resource.group, resource: resource.resource } };
}

export const keyOf = (t: Target, name = t.name ?? ''): string => objectKey(t.stored.storagePrefix, t.stored.namespaced ? t.namespace : undefined, name);
export const prefixOf = (t: Target): string => collectionKey(t.stored.storagePrefix, t.stored.namespaced ? t.namespace : undefined);

/** The served form of a stored object (custom objects: in the requested version, defaulted like kube does on read). */
export function served(t: Target, obj: Obj): Obj {
	if (t.resource.custom) return withSchemaDefaults(t.resource.custom.schema, withApiVersion(obj, apiVersionOf(t.resource)));
	return t.resource.storedAs ? coreToEventsV1(obj) : obj;
}

/** The stored form of a served object. */
export function toStored(t: Target, obj: Obj): Obj {
	if (t.resource.custom) return withApiVersion(obj, apiVersionOf(t.stored));
	return t.resource.storedAs ? eventsV1ToCore(obj) : obj;
}

/** A custom object in another version of its CRD (conversion strategy None: only apiVersion changes). */
function withApiVersion(obj: Obj, apiVersion: string): Obj {
	return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

/** Store errors as kube-apiserver reports them. */
export function storeErrorToKube(e: unknown): unknown {
	if (!(e instanceof StoreError)) return e;
	if (e.message.includes('compacted')) return expired('The resourceVersion for the provided list is too old.');
	if (e.message.includes('future revision')) return badRequest(e.message);
	if (e.message.includes('request is too large')) return requestEntityTooLarge(e.message);
	if (e.code === GrpcCode.ResourceExhausted) return internalError(e.message);
	return internalError(e.message);
}

