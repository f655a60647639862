/**
 * Container images as the simulated container runtime sees them: the normalized reference
 * (`nginx:1.27` → `docker.io/library/nginx:1.27`), a size (a table of common images, else a
 * deterministic size from the name), a digest, the pull time that size implies, and which images
 * do not exist (tag `doesnotexist`, a registry host starting with `invalid.`, or a pod's
 * `sim.converge.dev/image-pull: fail`).
 *
 * @module
 */
import { fnv1a32 } from '../clock/rng';
import { hexId } from './ids';

/** Compressed sizes (bytes) of common images, as `Image size:` in the real Pulled events. */
const KNOWN_SIZES: Record<string, number> = {
	'docker.io/library/nginx': 72_955_450,
	'docker.io/library/busybox': 2_167_176,
	'docker.io/library/alpine': 3_653_068,
	'docker.io/library/redis': 45_003_528,
	'docker.io/library/postgres': 158_479_280,
	'docker.io/library/mysql': 172_302_556,
	'docker.io/library/httpd': 58_321_702,
	'docker.io/library/node': 398_721_110,
	'docker.io/library/python': 376_412_987,
	'docker.io/library/ubuntu': 29_754_231,
	'docker.io/library/debian': 48_494_216,
	'registry.k8s.io/pause': 320_368,
	'registry.k8s.io/e2e-test-images/agnhost': 55_382_016
};

/** Simulated registry bandwidth: nginx (73 MB) pulls in about 1.2 s, like on a fast link. */
export const PULL = { bytesPerMs: 60_000, overheadMs: 0, manifestCheckMs: 300 };

export interface ImageRef {
	/** As written in the pod spec. */
	spec: string;
	/** `docker.io/library/nginx:1.27` */
	normalized: string;
	/** `docker.io/library/nginx` */
	repository: string;
	tag: string;
}

export function parseImage(image: string): ImageRef {
	let rest = image;
	let digest = '';
	const at = rest.indexOf('@');
	if (at >= 0) [rest, digest] = [rest.slice(0, at), rest.slice(at)];
	const slash = rest.lastIndexOf('/');
	const colon = rest.lastIndexOf(':');
	let tag = '';
	if (colon > slash) [rest, tag] = [rest.slice(0, colon), rest.slice(colon + 1)];
	const first = rest.split('/')[0];
	const hasHost = rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
	let repository = hasHost ? rest : `docker.io/${rest}`;
	if (!hasHost && !rest.includes('/')) repository = `docker.io/library/${rest}`;
	if (!tag && !digest) tag = 'latest';
	return { spec: image, normalized: digest ? `${repository}${digest}` : `${repository}:${tag}`, repository, tag };
}

/** Compressed size in bytes: the table's, else 5–200 MB from the name. */
export function imageSize(ref: ImageRef): number {
	return KNOWN_SIZES[ref.repository] ?? 5_000_000 + (fnv1a32(ref.normalized) % 195_000_000);
}

/** `sha256:<64 hex>`, the same for the same reference everywhere. */
export function imageDigest(ref: ImageRef): string {
	return `sha256:${hexId(ref.normalized)}`;
}

/** `docker.io/library/nginx@sha256:…`, a container status's imageID. */
export function imageID(ref: ImageRef): string {
	return `${ref.repository}@${imageDigest(ref)}`;
}

/** Why pulling this image fails (containerd's message), or undefined if it exists. */
export function pullFailure(ref: ImageRef, forced: boolean): string | undefined {
	const host = ref.repository.split('/')[0];
	if (host.startsWith('invalid.'))
		return `rpc error: code = Unknown desc = failed to pull and unpack image "${ref.normalized}": failed to resolve reference "${ref.normalized}": failed to do request: Head "https://${host}/v2/${ref.repository.slice(host.length + 1)}/manifests/${ref.tag}": dial tcp: lookup ${host}: no such host`;
	if (forced || ref.tag === 'doesnotexist')
		return `rpc error: code = NotFound desc = failed to pull and unpack image "${ref.normalized}": failed to resolve reference "${ref.normalized}": ${ref.normalized}: not found`;
	return undefined;
}

/** containerd's message when the registry is down (an injected ImageUnavailable fault). */
export function unavailableFailure(ref: ImageRef): string {
	const host = ref.repository.split('/')[0];
	const registry = host === 'docker.io' ? 'registry-1.docker.io' : host;
	const tagOrDigest = ref.normalized.slice(ref.repository.length + 1);
	return `rpc error: code = Unknown desc = failed to pull and unpack image "${ref.normalized}": failed to resolve reference "${ref.normalized}": unexpected status from HEAD request to https://${registry}/v2/${ref.repository.slice(host.length + 1)}/manifests/${tagOrDigest}: 503 Service Unavailable`;
}

/** How long pulling takes (ms): by size, or `override` seconds (`sim.converge.dev/pull-seconds`). */
export function pullMs(ref: ImageRef, override?: number): number {
	if (override !== undefined) return Math.max(0, Math.round(override * 1000));
	return PULL.overheadMs + Math.round(imageSize(ref) / PULL.bytesPerMs);
}

/**
 * A node's image store: what is present (for the node's status.images and IfNotPresent), and the
 * kubelet's serialized pulls (`serializeImagePulls: true`): a pull waits for the ones before it.
 */
export class NodeImages {
	private present = new Map<string, ImageRef>();
	private busyUntil = 0;

	has(ref: ImageRef): boolean {
		return this.present.has(ref.normalized);
	}

	add(ref: ImageRef): void {
		this.present.set(ref.normalized, ref);
	}

	/** Reserves the puller: the pull of `ms` starting at `now` ends at the returned time. */
	reserve(now: number, ms: number): number {
		const start = Math.max(now, this.busyUntil);
		this.busyUntil = start + ms;
		return this.busyUntil;
	}

	/** status.images, biggest first like the kubelet's (capped at 50, `nodeStatusMaxImages`). */
	list(): Array<{ names: string[]; sizeBytes: number }> {
		return [...this.present.values()]
			.map((r) => ({ names: [imageID(r), r.normalized], sizeBytes: imageSize(r) }))
			.sort((a, b) => b.sizeBytes - a.sizeBytes || a.names[1].localeCompare(b.names[1]))
			.slice(0, 50);
	}
}
