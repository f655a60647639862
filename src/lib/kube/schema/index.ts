/**
 * Kubernetes OpenAPI schemas of converge's built-in kinds: lookup, path resolution and
 * structural validation with kube-apiserver's messages. Pure (no DOM, no I/O); the editor and
 * the API server share it.
 *
 * @module
 */
export type { FieldPath, KubeSchema, SchemaNode } from './types';
export {
	KUBE_SCHEMA,
	childSchema,
	definitionFor,
	deref,
	descriptionBody,
	enumNotes,
	firstSentence,
	isIntOrString,
	preservesUnknownFields,
	resolveAt,
	schemaFor,
	typeLabel
} from './schema';
export { VALIDATE_LIMITS, formatPath, jsonType, validateObject, type SchemaError, type SchemaErrorReason } from './validate';
