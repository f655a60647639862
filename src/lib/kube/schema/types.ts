/**
 * The shape of converge's Kubernetes schema: OpenAPI (v2 "definitions" style) schema objects,
 * restricted to what the editor and validation read.
 *
 * @module
 */

/**
 * One OpenAPI schema object. `$ref` holds a bare definition name
 * (`io.k8s.api.core.v1.PodSpec`), not a JSON pointer, to keep the file small; the other keys
 * have their OpenAPI meaning.
 */
export interface SchemaNode {
	$ref?: string;
	/** Set on resolved nodes only (never in the file): the definition `$ref` pointed to. */
	definition?: string;
	description?: string;
	/** `object`, `array`, `string`, `integer`, `number` or `boolean`; absent for free-form values. */
	type?: string;
	/** `int32`, `int64`, `double`, `date-time`, `int-or-string`, `quantity`. */
	format?: string;
	enum?: string[];
	required?: string[];
	properties?: Record<string, SchemaNode>;
	/** The schema of every value of a map (`labels`, `data`, `resources.limits`). */
	additionalProperties?: SchemaNode;
	items?: SchemaNode;
	/** The value is an integer or a string (`targetPort: 8080` or `targetPort: http`). */
	'x-kubernetes-int-or-string'?: boolean;
	/** Any fields are allowed below this node (RawExtension, JSON). */
	'x-kubernetes-preserve-unknown-fields'?: boolean;
	'x-kubernetes-list-type'?: string;
	'x-kubernetes-list-map-keys'?: string[];
	'x-kubernetes-map-type'?: string;
}

/** The generated schema file (`openapi.json`). */
export interface KubeSchema {
	/** The package and version it was generated from. */
	source: string;
	/** `apiVersion/kind` (`apps/v1/Deployment`) → definition name. */
	kinds: Record<string, string>;
	definitions: Record<string, SchemaNode>;
}

/** A path inside an object: keys and list indexes (`['spec', 'containers', 0, 'image']`). */
export type FieldPath = (string | number)[];
