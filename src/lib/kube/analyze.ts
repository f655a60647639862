/**
 * Analysis of a whole room: every file parsed (re-parsing only files whose text changed), kinds
 * declared by CRDs made known to all files, and objects declared twice reported where the second
 * one is.
 *
 * @module
 */
import type { AnalysisEvent, Diagnostic } from '../collab/protocol';
import { customKindsOf, parseManifestFile, type CustomKind, type ParsedFile, type ParsedObject } from './manifest';
import { schedulerConfigDiagnostics } from '../scheduler/config-file';

/** Identity of an object in a cluster: kind (with group), namespace, name. */
export function objectKey(o: { apiVersion: string; kind: string; namespace?: string; name: string }): string {
	const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
	return `${group}/${o.kind}/${o.namespace ?? ''}/${o.name}`;
}

export class RoomAnalyzer {
	private cache = new Map<string, { text: string; kindsKey: string; parsed: ParsedFile }>();

	/** Parses what changed and returns the analysis of the whole room. */
	analyze(files: Map<string, string>): { event: AnalysisEvent; objects: ParsedObject[] } {
		for (const path of this.cache.keys()) if (!files.has(path)) this.cache.delete(path);
		// Pass 1 finds CRDs with built-in kinds only; pass 2 parses with the kinds they declare.
		const first = [...files].map(([p, t]) => this.parse(p, t, []));
		const custom = customKindsOf(first.flatMap((f) => f.objects));
		const parsed = custom.length ? [...files].map(([p, t]) => this.parse(p, t, custom)) : first;

		const diagnostics: Record<string, Diagnostic[]> = {};
		for (const f of parsed) diagnostics[f.path] = [...f.diagnostics];
		// Objects read by a component with its own validation (kube-scheduler's config ConfigMap).
		for (const f of parsed) diagnostics[f.path].push(...f.objects.flatMap((o) => schedulerConfigDiagnostics(o, f.path, files.get(f.path) ?? '')));
		const seen = new Map<string, ParsedObject>();
		const objects: ParsedObject[] = [];
		for (const f of [...parsed].sort((a, b) => (a.path < b.path ? -1 : 1))) {
			for (const o of f.objects) {
				const key = objectKey(o);
				const first = seen.get(key);
				if (first) {
					diagnostics[f.path].push({
						path: f.path,
						from: o.start,
						to: o.start,
						line: o.line,
						col: 1,
						severity: 'error',
						source: 'shape',
						message: `${o.kind} "${o.name}"${o.namespace ? ` in namespace "${o.namespace}"` : ''} is already declared in ${first.path}:${first.line}`
					});
					continue;
				}
				seen.set(key, o);
				objects.push(o);
			}
		}
		return {
			event: {
				type: 'analysis',
				diagnostics,
				objects: objects.map(({ apiVersion, kind, namespace, name, path, doc, line }) => ({
					apiVersion,
					kind,
					namespace,
					name,
					path,
					doc,
					line
				}))
			},
			objects
		};
	}

	private parse(path: string, text: string, kinds: CustomKind[]): ParsedFile {
		const kindsKey = kinds.map((k) => `${k.group}/${k.version}/${k.kind}`).join(',');
		const hit = this.cache.get(path);
		if (hit && hit.text === text && hit.kindsKey === kindsKey) return hit.parsed;
		const parsed = parseManifestFile(path, text, kinds);
		this.cache.set(path, { text, kindsKey, parsed });
		return parsed;
	}
}
