/**
 * Lessons: a folder of plain files (`lesson.yaml`, markdown steps, starting manifests under
 * `files/`), parsed into these shapes. Checks are declarative assertions over the live cluster,
 * evaluated by `evaluateCheck` (checks.ts) against lists read through the room's kube API.
 *
 * @module
 */
import type { KubeObject, ResourceRef } from '../controllers/types';

/**
 * A value matcher in a check: a scalar (equal; numbers and their strings compare equal), or one
 * operator object: `{gte}`, `{lte}`, `{gt}`, `{lt}`, `{not}`, `{in: [...]}`, `{exists: bool}`,
 * `{contains: "text"}` (strings and lists of strings), `{some: {path: matcher}}` (some element of
 * a list matches every entry).
 */
export type Matcher = unknown;

/** What a check asserts of one object, or filters a list by: field path → matcher, plus shorthands. */
export type Predicate = Record<string, Matcher>;

/** Object checks: one object by `name` (or its absence), or the objects matching `selector`/`where`, counted. */
export interface ObjectCheck {
	kind: string;
	name?: string;
	/** Default `default` for namespaced kinds; `*` = every namespace (lists only). */
	namespace?: string;
	/** Label selector (kubectl's syntax: `app=web,tier in (a,b)`). */
	selector?: string;
	/** Lists: only objects matching this predicate count. */
	where?: Predicate;
	/** One object: every entry must hold. */
	expect?: Predicate;
	/** One object: it must not exist. */
	absent?: boolean;
	/** Lists: how many objects match. */
	count?: Matcher;
	/** Lists of pods: on how many distinct nodes (`spec.nodeName`) they are. */
	distinctNodes?: Matcher;
}

/** kube-proxy's table on one node: a Service port's VIP and what it does with new connections. */
export interface VipCheck {
	vip: { node: string; service: string; namespace?: string; port?: number | string; type?: 'ClusterIP' | 'NodePort' | 'ExternalIP' | 'LoadBalancer' };
	expect: { verdict?: Matcher; backends?: Matcher; localBackends?: Matcher };
}

/** A connection traced through DNS, kube-proxy and NetworkPolicy (every random path). */
export interface ConnectionCheck {
	connection: {
		/** A pod: `name`, `namespace/name`, or `{selector, namespace}` (the first Running match by name). */
		from: string | { selector: string; namespace?: string };
		/** `service:port`, `name.namespace:port`, `ip:port`. */
		to: string;
	};
	/** `allowed` (every path delivered), `denied` (every path denied by NetworkPolicy), or a trace outcome. */
	expect: string;
}

export type CheckSpec = ObjectCheck | VipCheck | ConnectionCheck;

/** A check as declared: what it asserts and the sentence shown to learners. */
export type Check = CheckSpec & { id: string; title: string };

export interface CheckResult {
	id: string;
	title: string;
	passed: boolean;
	/** Why it fails ("expected status.readyReplicas = 5, found 3 (Deployment default/web)"). */
	message?: string;
}

export interface LessonStep {
	id: string;
	title: string;
	/** Path of the step's markdown in the lesson folder. */
	markdown: string;
	checks: Check[];
}

export interface Lesson {
	id: string;
	title: string;
	summary: string;
	steps: LessonStep[];
	/** Starting manifests: room path → content (from the folder's `files/`). */
	files: Record<string, string>;
	/** Every file of the folder (step markdown included), as read. */
	sources: Record<string, string>;
}

/** The cluster as the checks see it: a list per resource (an informer cache, or lists from the API). */
export interface ClusterLists {
	list(ref: ResourceRef): KubeObject[];
}

/** The lesson state a room publishes to browsers (room event `lesson`) and the API answers. */
export interface LessonEvent {
	type: 'lesson';
	/** Absent when no lesson runs. */
	lesson?: { id: string; title: string; summary: string; source: 'shipped' | 'room'; steps: Array<{ id: string; title: string }> };
	/** Index of the current step. */
	step: number;
	/** The current step's markdown. */
	markdown?: string;
	/** The current step's checks, evaluated against the live cluster. */
	checks: CheckResult[];
	/** Ids of the steps whose checks all passed at some point. */
	completed: string[];
	/** Wall time of the evaluation (RFC 3339). */
	evaluatedAt?: string;
}
