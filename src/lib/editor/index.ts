/**
 * CodeMirror 6 extensions for editing Kubernetes manifests against the built-in kinds' OpenAPI
 * schemas (src/lib/kube/schema): completion, hover documentation and lint.
 *
 * @module
 */
import type { Extension } from '@codemirror/state';
import { kubeCompletion } from './kube-completion';
import { kubeHover } from './kube-hover';
import { kubeLint } from './kube-lint';

export { kubeCompletion, kubeCompletionSource } from './kube-completion';
export { kubeHover, kubeHoverAt, type KubeHoverInfo } from './kube-hover';
export { KUBE_LINT_SOURCE, kubeDiagnostics, kubeLint } from './kube-lint';
export {
	completionTargetAt,
	documentIndexAt,
	headerOf,
	nodeAt,
	parseDocuments,
	pathAt,
	type CompletionTarget,
	type PathHit
} from '../kube/yaml-path';

/**
 * Everything schema-aware, for the manifest editor: completion of keys and enum values, hover
 * documentation, and lint (errors for type/enum/required problems, warnings for unknown fields).
 * Add next to `yaml()`; completion needs no `override` in the editor's `autocompletion()` config.
 */
export function kubeSchemaExtensions(): Extension[] {
	return [kubeCompletion(), kubeHover(), kubeLint()];
}
